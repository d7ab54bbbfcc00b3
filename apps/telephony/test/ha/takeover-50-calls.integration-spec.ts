import type { EventEnvelope } from '@cc/contracts';
import { parseAnyEnvelope } from '@cc/contracts';
import { randomSuffix, waitFor } from '@cc/testing';
import { jetstream } from '@nats-io/jetstream';
import { callIdForChannel } from '../../src/modules/calls/call-rules.util';
import { DEFAULT_TENANT_SETTINGS } from '../../src/modules/entry-points/entry-point.types';
import { startHaInstance, type HaInstance } from '../fixtures/ha-instance';
import { startHarness, type Harness } from '../fixtures/telephony-harness';

const DID = '+15552050';
const LEASE_TTL_MS = 1_500;
const BRIDGED = 20;
const RINGING = 15;
const QUEUED = 15;

/**
 * The failover case at scale: 50 live calls in a mix of states when the active instance dies.
 * Agents answer and hang up only when the test says so (no timers racing the takeover), so the calls
 * are in exactly the intended state at the kill and the wall time stays a few seconds.
 */
describe('active/standby takeover with 50 live calls', () => {
  let h: Harness;
  const suffix = randomSuffix().toUpperCase();
  const buckets = {
    leaseBucket: `TTHB${suffix}_nodes`,
    callsBucket: `TTHB${suffix}_calls`,
    leaseTtlMs: LEASE_TTL_MS,
  };
  const instances: HaInstance[] = [];
  // Every fact as it is stored (an ordered consumer): re-reading the stream per probe is O(facts).
  const facts: EventEnvelope[] = [];
  let stopFacts: () => void = () => undefined;

  beforeAll(async () => {
    h = await startHarness();
    h.entryPoints.add({
      tenantId: h.tenantId,
      did: DID,
      flowId: 'straight-to-queue',
      flow: {
        start: 'queue',
        steps: { queue: { type: 'queue', queueId: 'sales', announceEverySeconds: 0, mohClass: 'default' } },
      },
      settings: DEFAULT_TENANT_SETTINGS,
    });
    const messages = await (await jetstream(h.nc).consumers.get(h.streamName)).consume();
    stopFacts = () => void messages.stop();
    void (async () => {
      for await (const m of messages) facts.push(parseAnyEnvelope(m.json()));
    })();
  });

  afterAll(async () => {
    stopFacts();
    for (const i of instances) await i.stop().catch(() => undefined);
    await h.jsm.streams.delete(`KV_${buckets.leaseBucket}`).catch(() => undefined);
    await h.jsm.streams.delete(`KV_${buckets.callsBucket}`).catch(() => undefined);
    await h?.close();
  });

  const callIdOf = (f: EventEnvelope) => (f.payload as { callId?: string }).callId;
  const typesOf = (callId: string) => facts.filter((f) => callIdOf(f) === callId).map((f) => f.type);
  const allHave = (callIds: string[], type: string) =>
    waitFor(
      `${type} of ${callIds.length} calls`,
      () => callIds.every((id) => typesOf(id).includes(`telephony.${type}`)),
      20_000,
    );
  const agentChannels = (prefix: string) =>
    h.sim.world.listChannels().filter((c) => c.name.startsWith(`PJSIP/${prefix}-`));
  const place = async (count: number, first: number): Promise<string[]> =>
    Promise.all(
      Array.from({ length: count }, async (_, i) =>
        callIdForChannel(
          await h.placeCall({ from: `+1555001${String(first + i).padStart(4, '0')}`, to: DID }),
        ),
      ),
    );

  it('the standby takes over 50 queued, ringing and bridged calls; none is dropped and each ends exactly once', async () => {
    h.peers.state.ringTimeoutSeconds = 600;
    instances.push(await startHaInstance(h, buckets, 'instance-a'));
    instances.push(await startHaInstance(h, buckets, 'instance-b'));
    const [active, standby] = instances as [HaInstance, HaInstance];
    expect(active.supervisor.role).toBe('active');
    expect(standby.supervisor.role).toBe('standby');

    // Bridged: the agent answers at once and stays until the test hangs up.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-bridged', { answerAfterMs: 300, hangupAfterMs: null });
    h.peers.state.agents = [{ agentId: 'agent-bridged', endpoint: 'PJSIP/agent-bridged' }];
    const bridged = await place(BRIDGED, 0);
    await allHave(bridged, 'call.connected');

    // Ringing: the agent's phone rings through the takeover until the test answers it.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-ringing', { answerAfterMs: null, hangupAfterMs: null });
    h.peers.state.agents = [{ agentId: 'agent-ringing', endpoint: 'PJSIP/agent-ringing' }];
    const ringing = await place(RINGING, BRIDGED);
    await allHave(ringing, 'agent_leg.ringing');

    // Queued: nobody free.
    h.peers.state.agents = [];
    const queued = await place(QUEUED, BRIDGED + RINGING);
    await allHave(queued, 'call.queued');
    const all = [...bridged, ...ringing, ...queued];
    expect(new Set(all).size).toBe(50);

    // The standby will need what the active saved: one snapshot per call, in its state.
    const expected = new Map<string, string>([
      ...bridged.map((id) => [id, 'connected'] as const),
      ...ringing.map((id) => [id, 'ringing'] as const),
      ...queued.map((id) => [id, 'queued'] as const),
    ]);
    await waitFor(
      'snapshots saved',
      async () => {
        for (const [callId, state] of expected) {
          const entry = await active.calls.get(callId);
          if (entry?.operation !== 'PUT') return false;
          if ((JSON.parse(new TextDecoder().decode(entry.value)) as { state: string }).state !== state)
            return false;
        }
        return true;
      },
      10_000,
    );
    const watchersBefore = h.peers.state.methods('watchAssignments').length;
    await active.kill();

    await waitFor('the standby took over', () => standby.supervisor.role === 'active', 10_000);
    await waitFor(
      'the standby watches assignments',
      () => h.peers.state.methods('watchAssignments').length > watchersBefore,
      10_000,
    );
    const engine = standby.supervisor.current;
    expect(engine?.calls.liveCalls).toBe(50);
    for (const [callId, state] of expected) expect(engine?.calls.snapshot(callId)?.state).toBe(state);
    // Nobody hung up during the takeover: the callers and the bridged agents are all still there.
    expect(facts.filter((f) => f.type === 'telephony.call.ended')).toEqual([]);
    expect(agentChannels('agent-bridged')).toHaveLength(BRIDGED);

    // The ringing agents answer now, on the standby's watch.
    const ringingLegs = agentChannels('agent-ringing');
    expect(ringingLegs).toHaveLength(RINGING);
    for (const leg of ringingLegs) h.sim.world.answerFarEnd(leg.id);
    // Agents free up: acd offers each queued caller to the node, now served by the standby.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-late', { answerAfterMs: 300, hangupAfterMs: null });
    h.peers.state.agents = [{ agentId: 'agent-late', endpoint: 'PJSIP/agent-late' }];
    for (const callId of queued) h.peers.state.offerNext(callId, h.nodeId);
    await allHave([...ringing, ...queued], 'call.connected');

    // Every agent hangs up; every call ends.
    for (const leg of agentChannels('agent')) h.sim.world.remoteHangup(h.sim.world.liveChannel(leg.id));
    await allHave(all, 'call.ended');
    // Late duplicates would arrive after the first: give them the time to.
    await new Promise((r) => setTimeout(r, 500));

    const withRinging = [
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.agent_leg.ringing',
      'telephony.call.answered',
      'telephony.call.connected',
      'telephony.call.ended',
    ];
    for (const callId of all)
      expect({ callId, types: typesOf(callId) }).toEqual({ callId, types: withRinging });
    const ends = facts.filter((f) => f.type === 'telephony.call.ended');
    expect(ends).toHaveLength(50);
    const endOf = (callId: string) => ends.find((f) => callIdOf(f) === callId)?.payload;
    for (const callId of bridged)
      expect(endOf(callId)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-bridged' });
    for (const callId of ringing)
      expect(endOf(callId)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-ringing' });
    for (const callId of queued)
      expect(endOf(callId)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-late' });
    // call.ended goes out before the teardown (hang-ups, acd wrap-up) finishes: the engine lets go just after.
    await waitFor('no live call left', () => engine?.calls.liveCalls === 0 || undefined, 10_000);
    await waitFor(
      'snapshots removed',
      async () => {
        for (const callId of all) if ((await standby.calls.get(callId))?.operation === 'PUT') return false;
        return true;
      },
      5_000,
    );
  }, 60_000);
});
