import type { EventEnvelope } from '@cc/contracts';
import { randomSuffix, waitFor } from '@cc/testing';
import type { KV } from '@nats-io/kv';
import { callIdForChannel } from '../../src/modules/calls/call-rules.util';
import type { CallSnapshot } from '../../src/modules/calls/call.types';
import { DEFAULT_TENANT_SETTINGS } from '../../src/modules/entry-points/entry-point.types';
import { startHaInstance, type HaInstance } from '../fixtures/ha-instance';
import { startHarness, type Harness } from '../fixtures/telephony-harness';

const DID = '+15552000';
const LEASE_TTL_MS = 1_500;

describe('active/standby takeover of a node', () => {
  let h: Harness;
  const suffix = randomSuffix().toUpperCase();
  const leaseBucket = `TTHA${suffix}_nodes`;
  const callsBucket = `TTHA${suffix}_calls`;
  const instances: HaInstance[] = [];

  async function startInstance(instanceId: string): Promise<HaInstance> {
    const instance = await startHaInstance(
      h,
      { leaseBucket, callsBucket, leaseTtlMs: LEASE_TTL_MS },
      instanceId,
    );
    instances.push(instance);
    return instance;
  }

  beforeAll(async () => {
    h = await startHarness();
    h.entryPoints.add({
      tenantId: h.tenantId,
      did: DID,
      flowId: 'straight-to-queue',
      flow: {
        start: 'welcome',
        steps: {
          welcome: { type: 'play', media: ['sound:hello-world'], next: 'queue' },
          queue: { type: 'queue', queueId: 'sales', announceEverySeconds: 0, mohClass: 'default' },
        },
      },
      settings: DEFAULT_TENANT_SETTINGS,
    });
  });

  afterAll(async () => {
    for (const i of instances) await i.stop().catch(() => undefined);
    await h.jsm.streams.delete(`KV_${leaseBucket}`).catch(() => undefined);
    await h.jsm.streams.delete(`KV_${callsBucket}`).catch(() => undefined);
    await h?.close();
  });

  const factsOf = (callId: string): Promise<EventEnvelope[]> => h.factsOf(callId);
  const hasFact = (callId: string, type: string) =>
    waitFor(
      `${type} of ${callId}`,
      async () => (await factsOf(callId)).find((f) => f.type === `telephony.${type}`),
      20_000,
    );
  const snapshotState = async (kv: KV, callId: string): Promise<string | undefined> => {
    const entry = await kv.get(callId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return (JSON.parse(new TextDecoder().decode(entry.value)) as CallSnapshot).state;
  };

  it('the standby takes over a queued, a ringing and a bridged call when the active dies; each ends once with all its facts', async () => {
    h.peers.state.ringTimeoutSeconds = 600;
    const active = await startInstance('instance-a');
    const standby = await startInstance('instance-b');
    expect(active.supervisor.role).toBe('active');
    expect(standby.supervisor.role).toBe('standby');

    // Bridged: the agent answers at once and hangs up 6 s (real) later, after the takeover.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-bridged', { answerAfterMs: 300, hangupAfterMs: 60_000 });
    h.peers.state.agents = [{ agentId: 'agent-bridged', endpoint: 'PJSIP/agent-bridged' }];
    const bridged = callIdForChannel(await h.placeCall({ from: '+15550000001', to: DID }));
    await hasFact(bridged, 'call.connected');

    // Ringing: the agent's phone rings through the takeover and is answered afterwards.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-ringing', { answerAfterMs: 40_000, hangupAfterMs: 10_000 });
    h.peers.state.agents = [{ agentId: 'agent-ringing', endpoint: 'PJSIP/agent-ringing' }];
    const ringing = callIdForChannel(await h.placeCall({ from: '+15550000002', to: DID }));
    await hasFact(ringing, 'agent_leg.ringing');

    // Queued: nobody free yet.
    h.peers.state.agents = [];
    const queued = callIdForChannel(await h.placeCall({ from: '+15550000003', to: DID }));
    await hasFact(queued, 'call.queued');

    // The standby will need what the active saved.
    await waitFor(
      'snapshots saved',
      async () =>
        (await snapshotState(active.calls, bridged)) === 'connected' &&
        (await snapshotState(active.calls, ringing)) === 'ringing' &&
        (await snapshotState(active.calls, queued)) === 'queued',
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
    expect(engine?.calls.liveCalls).toBe(3);
    expect(engine?.calls.snapshot(queued)?.state).toBe('queued');
    expect(engine?.calls.snapshot(bridged)?.state).toBe('connected');

    // An agent frees up: acd offers the queued caller to the node, now served by the standby.
    h.sim.world.setEndpointBehaviour('PJSIP/agent-late', { answerAfterMs: 300, hangupAfterMs: 5_000 });
    h.peers.state.agents = [{ agentId: 'agent-late', endpoint: 'PJSIP/agent-late' }];
    h.peers.state.offerNext(queued, h.nodeId);

    for (const callId of [bridged, ringing, queued]) await hasFact(callId, 'call.ended');
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
    for (const callId of [bridged, ringing, queued]) {
      expect((await factsOf(callId)).map((f) => f.type)).toEqual(withRinging);
    }
    const endOf = async (callId: string) =>
      (await factsOf(callId)).find((f) => f.type === 'telephony.call.ended')?.payload;
    expect(await endOf(bridged)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-bridged' });
    expect(await endOf(ringing)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-ringing' });
    expect(await endOf(queued)).toMatchObject({ hangupBy: 'agent', agentId: 'agent-late' });
    const ended = (await endOf(bridged)) as { talkMs: number };
    expect(ended.talkMs).toBeGreaterThan(LEASE_TTL_MS);
    // Nothing left in KV for ended calls.
    await waitFor(
      'snapshots removed',
      async () => (await snapshotState(standby.calls, queued)) === undefined,
      5_000,
    );
  }, 60_000);
});
