import { AcdV1 } from '@cc/contracts';
import { ErrorKind } from '@cc/platform';
import { type TestDatabase, uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import {
  type AcdInstance,
  acdTestDatabase,
  appErrorOf,
  deleteNatsResources,
  queueMessage,
  startAcdInstance,
} from './acd-test.util';

describe('acd configuration reads (ListQueues, ListSkills, ListAgents) over gRPC', () => {
  const tenantA = uniqueTenantId('acdra');
  const tenantB = uniqueTenantId('acdrb');
  const prefix = uniqueName('acdreads');
  const bucket = uniqueName('acdreads');
  const asA = { tenantId: tenantA };
  const asB = { tenantId: tenantB };
  let db: TestDatabase;
  let acd: AcdInstance;

  beforeAll(async () => {
    db = await acdTestDatabase();
    acd = await startAcdInstance({
      databaseUrl: db.url,
      bucket,
      streamPrefix: prefix,
      tenants: [tenantA, tenantB],
    });
    await waitFor('the replica to route', () => acd.host.isRouter);
    const c = acd.client;
    await c.upsertSkill({ skillId: 'billing', name: 'Billing' }, asA);
    await c.upsertSkill({ skillId: 'sales', name: 'Sales' }, asB);
    await c.upsertQueue(
      {
        queue: queueMessage('q2', {
          name: 'Second',
          requiredSkills: [{ skillId: 'billing', minLevel: 3 }],
          wrapUpSeconds: 45,
          maxWaitSeconds: 600,
          agentSelection: AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED,
          openingHours: [{ weekday: 1, startMinute: 480, endMinute: 1020 }],
          overflow: [
            {
              afterSeconds: 60,
              kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS,
              relaxBy: 1,
              skillId: 'billing',
              addSkills: [],
              targetQueueId: '',
            },
            {
              afterSeconds: 120,
              kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE,
              relaxBy: 0,
              skillId: '',
              addSkills: [],
              targetQueueId: 'q1',
            },
          ],
        }),
      },
      asA,
    );
    await c.upsertQueue({ queue: queueMessage('q1') }, asA);
    await c.upsertQueue({ queue: queueMessage('qb') }, asB);
    await c.upsertAgent({
      agentId: 'shared',
      displayName: 'Shared',
      endpoint: 'PJSIP/shared',
      qualityScore: 70,
    });
    await c.upsertAgent({ agentId: 'only-b', displayName: 'B', endpoint: 'PJSIP/b', qualityScore: 10 });
    await c.setAgentProfile(
      { agentId: 'shared', skills: [{ skillId: 'billing', level: 5 }], queueIds: ['q1'], remove: false },
      asA,
    );
    await c.setAgentProfile(
      { agentId: 'shared', skills: [{ skillId: 'sales', level: 2 }], queueIds: ['qb'], remove: false },
      asB,
    );
    await c.setAgentProfile({ agentId: 'only-b', skills: [], queueIds: [], remove: false }, asB);
    await c.setAgentState({
      agentId: 'shared',
      state: AcdV1.AgentState.AGENT_STATE_AVAILABLE,
      reasonCode: '',
      expectedVersion: 0,
    });
  });

  afterAll(async () => {
    await acd?.stop();
    await deleteNatsResources(prefix, bucket);
    await db?.drop();
  });

  it('lists the tenant’s queues as they were written, in id order, and only its own', async () => {
    const all = await acd.client.listQueues({ queueIds: [] }, asA);
    expect(all.queues.map((q) => q.queue?.queueId)).toEqual(['q1', 'q2']);
    const [q2] = (await acd.client.listQueues({ queueIds: ['q2', 'qb'] }, asA)).queues;
    expect(q2?.version).toBe(1);
    expect(q2?.queue).toEqual(
      queueMessage('q2', {
        name: 'Second',
        requiredSkills: [{ skillId: 'billing', minLevel: 3 }],
        wrapUpSeconds: 45,
        maxWaitSeconds: 600,
        agentSelection: AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED,
        openingHours: [{ weekday: 1, startMinute: 480, endMinute: 1020 }],
        overflow: [
          {
            afterSeconds: 60,
            kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS,
            relaxBy: 1,
            skillId: 'billing',
            addSkills: [],
            targetQueueId: '',
          },
          {
            afterSeconds: 120,
            kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE,
            relaxBy: 0,
            skillId: '',
            addSkills: [],
            targetQueueId: 'q1',
          },
        ],
      }),
    );
    expect((await acd.client.listQueues({ queueIds: [] }, asB)).queues.map((q) => q.queue?.queueId)).toEqual([
      'qb',
    ]);
  });

  it('lists the tenant’s skills only', async () => {
    expect((await acd.client.listSkills({}, asA)).skills).toEqual([{ skillId: 'billing', name: 'Billing' }]);
    expect((await acd.client.listSkills({}, asB)).skills).toEqual([{ skillId: 'sales', name: 'Sales' }]);
  });

  it('lists a tenant the agents serving it, with its own profile, state and no endpoint', async () => {
    const { agents } = await acd.client.listAgents({ agentIds: [] }, asA);
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({
      agentId: 'shared',
      displayName: 'Shared',
      endpoint: '',
      profiles: [{ tenantId: tenantA, skills: [{ skillId: 'billing', level: 5 }], queueIds: ['q1'] }],
      status: { agentId: 'shared', state: AcdV1.AgentState.AGENT_STATE_AVAILABLE },
    });
    expect((await acd.client.listAgents({ agentIds: ['only-b'] }, asA)).agents).toEqual([]);
  });

  it('lists the operator every agent with every profile and endpoint', async () => {
    const { agents } = await acd.client.listAgents({ agentIds: ['only-b', 'shared'] });
    expect(agents.map((a) => [a.agentId, a.endpoint, a.profiles.map((p) => p.tenantId)])).toEqual([
      ['only-b', 'PJSIP/b', [tenantB]],
      ['shared', 'PJSIP/shared', [tenantA, tenantB].sort()],
    ]);
    expect(agents[0]?.status?.state).toBe(AcdV1.AgentState.AGENT_STATE_LOGGED_OUT);
  });

  it('refuses a malformed id naming the field, and a tenant call without a tenant', async () => {
    const bad = await appErrorOf(acd.client.listQueues({ queueIds: ['no spaces'] }, asA));
    expect(bad.kind).toBe(ErrorKind.InvalidArgument);
    expect(JSON.stringify(bad.violations)).toContain('queueIds.0');
    expect((await appErrorOf(acd.client.listQueues({ queueIds: [] }))).kind).toBe(ErrorKind.Unauthenticated);
  });
});
