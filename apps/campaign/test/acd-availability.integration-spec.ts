import { AcdV1 } from '@cc/contracts';
import { ErrorKind, isAppError } from '@cc/platform';
import { type TestDatabase, uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import {
  type AcdInstance,
  acdTestDatabase,
  deleteNatsResources,
  queueMessage,
  startAcdInstance,
} from '@cc/acd/test/acd-test.util';
import { AcdAvailabilityAdapter } from '../src/modules/dialer/peers.grpc-adapters';

const S = AcdV1.AgentState;

describe('the dialer sees a queue the way the real acd reports it (GetQueueStats over gRPC)', () => {
  const tenantA = uniqueTenantId('cmpa');
  const tenantB = uniqueTenantId('cmpb');
  const prefix = uniqueName('cmpacd');
  const bucket = uniqueName('cmpacd');
  let db: TestDatabase;
  let acd: AcdInstance;
  let adapter: AcdAvailabilityAdapter;

  beforeAll(async () => {
    db = await acdTestDatabase();
    acd = await startAcdInstance({
      databaseUrl: db.url,
      bucket,
      streamPrefix: prefix,
      tenants: [tenantA, tenantB],
    });
    await waitFor('the replica to route', () => acd.host.isRouter);
    const asA = { tenantId: tenantA };
    await acd.client.upsertTenantSettings({ timeZone: 'America/New_York', weight: 1, holidays: [] }, asA);
    await acd.client.upsertSkill({ skillId: 'sales', name: 'Sales' }, asA);
    await acd.client.upsertQueue(
      { queue: queueMessage('q_out', { requiredSkills: [{ skillId: 'sales', minLevel: 1 }] }) },
      asA,
    );
    for (const agentId of ['cag1', 'cag2', 'cag3']) {
      await acd.client.upsertAgent({
        agentId,
        displayName: agentId,
        endpoint: `PJSIP/${agentId}`,
        qualityScore: 50,
      });
      await acd.client.setAgentProfile(
        { agentId, skills: [{ skillId: 'sales', level: 3 }], queueIds: ['q_out'], remove: false },
        asA,
      );
    }
    adapter = new AcdAvailabilityAdapter(acd.grpcAddress, 5_000);
  });

  afterAll(async () => {
    adapter?.onModuleDestroy();
    await acd?.stop();
    await deleteNatsResources(prefix, bucket);
    await db?.drop();
  });

  it('counts available agents as available and leaves not-ready and logged-out agents out', async () => {
    await acd.client.setAgentState({
      agentId: 'cag1',
      state: S.AGENT_STATE_AVAILABLE,
      reasonCode: '',
      expectedVersion: 0,
    });
    await acd.client.setAgentState({
      agentId: 'cag2',
      state: S.AGENT_STATE_AVAILABLE,
      reasonCode: '',
      expectedVersion: 0,
    });
    await acd.client.setAgentState({
      agentId: 'cag3',
      state: S.AGENT_STATE_NOT_READY,
      reasonCode: 'break',
      expectedVersion: 0,
    });
    const agents = await waitFor('two available agents', async () => {
      const seen = await adapter.agentsOf(tenantA, 'q_out');
      return seen.filter((a) => a.state === 'available').length === 2 ? seen : undefined;
    });
    expect(agents).toEqual([{ state: 'available' }, { state: 'available' }]);
  });

  it("refuses another tenant's queue (the dialer then skips the tick)", async () => {
    const error = await adapter.agentsOf(tenantB, 'q_out').catch((e: unknown) => e);
    expect(isAppError(error) && error.kind).toBe(ErrorKind.NotFound);
  });
});
