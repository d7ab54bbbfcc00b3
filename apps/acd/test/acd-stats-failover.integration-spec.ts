import { AcdV1 } from '@cc/contracts';
import { type TestDatabase, uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import {
  type AcdInstance,
  acdTestDatabase,
  deleteNatsResources,
  enqueueRequest,
  queueMessage,
  startAcdInstance,
  watch,
} from './acd-test.util';

/*
 * Statistics across a failover: the router saves its counters to KV every few hundred ms; when it is
 * killed, the replica that takes over goes on from them, so a wallboard does not drop to zero.
 */

const S = AcdV1.AgentState;
const W = AcdV1.StatsWindow;

describe('queue statistics survive the death of the router', () => {
  const tenant = uniqueTenantId('acds');
  const prefix = uniqueName('acdstat');
  const bucket = uniqueName('acdstat');
  const as = { tenantId: tenant };
  let db: TestDatabase;
  const instances: AcdInstance[] = [];

  beforeAll(async () => {
    db = await acdTestDatabase();
    for (let i = 0; i < 2; i++) {
      instances.push(
        await startAcdInstance({
          databaseUrl: db.url,
          bucket,
          streamPrefix: prefix,
          tenants: [tenant],
          replicaId: `stats-${i}`,
          leaseTtlMs: 1_500,
          leaseRenewMs: 200,
          settings: { ACD_STATS_SAVE_INTERVAL_MS: '200' },
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await deleteNatsResources(prefix, bucket);
    await db?.drop();
  });

  it('the new router reports the same 15-minute and today figures as the one that died', async () => {
    await waitFor('a router', () => instances.some((i) => i.host.isRouter));
    const router = instances.find((i) => i.host.isRouter)!;
    const survivor = instances.find((i) => i !== router)!;
    const client = router.client;
    await client.upsertQueue({ queue: queueMessage('q1', { wrapUpSeconds: 0 }) }, as);
    await client.upsertAgent({ agentId: 'sa1', displayName: 'sa1', endpoint: 'PJSIP/sa1', qualityScore: 0 });
    await client.setAgentProfile({ agentId: 'sa1', skills: [], queueIds: ['q1'], remove: false }, as);

    // Two callers hang up while nobody is there; three calls are answered and completed.
    for (const id of ['gone-1', 'gone-2']) {
      await client.enqueueCall(enqueueRequest(id, 'q1', { telephonyNodeId: 'node-s' }), as);
      await client.cancelCall({ callId: id, reason: 1 }, as);
    }
    const node = watch(client, 'node-s');
    try {
      await client.setAgentState({
        agentId: 'sa1',
        state: S.AGENT_STATE_AVAILABLE,
        reasonCode: '',
        expectedVersion: 0,
      });
      for (const id of ['ok-1', 'ok-2', 'ok-3']) {
        await client.enqueueCall(enqueueRequest(id, 'q1', { telephonyNodeId: 'node-s' }), as);
        const a = (
          await waitFor(`the offer of ${id}`, () => node.events.find((e) => e.assignment?.callId === id))
        ).assignment!;
        const ref = {
          assignmentId: a.assignmentId,
          callId: id,
          agentId: 'sa1',
          fencingToken: a.fencingToken,
        };
        await client.acknowledgeAssignment(ref, as);
        await client.completeCall({ ...ref, disposition: 'ok', nextState: 0, reasonCode: '' }, as);
      }
    } finally {
      node.stop();
      await node.ended;
    }
    const before = {
      last15m: (await client.getQueueStats({ queueIds: ['q1'], window: W.STATS_WINDOW_LAST_15_MINUTES }, as))
        .queues[0]!,
      today: (await client.getQueueStats({ queueIds: ['q1'], window: W.STATS_WINDOW_TODAY }, as)).queues[0]!,
    };
    expect(before.last15m).toMatchObject({ offered: 5, answered: 3, abandoned: 2 });
    expect(before.today).toMatchObject({ offered: 5, answered: 3, abandoned: 2 });

    await new Promise((resolve) => setTimeout(resolve, 600)); // a save or two
    await router.kill();
    await waitFor('the survivor to route', () => survivor.host.isRouter, 15_000);
    const figures = (q: AcdV1.QueueStats) => ({
      offered: q.offered,
      answered: q.answered,
      abandoned: q.abandoned,
      serviceLevel: q.serviceLevel,
      asaSeconds: q.asaSeconds,
      abandonmentRate: q.abandonmentRate,
      ahtSeconds: q.ahtSeconds,
    });
    for (const [window, expected] of [
      [W.STATS_WINDOW_LAST_15_MINUTES, before.last15m],
      [W.STATS_WINDOW_TODAY, before.today],
    ] as const) {
      const after = (await survivor.client.getQueueStats({ queueIds: ['q1'], window }, as)).queues[0]!;
      expect(figures(after)).toEqual(figures(expected));
    }
  }, 60_000);
});
