import type { EventEnvelope } from '@cc/contracts';
import { randomSuffix, waitFor } from '@cc/testing';
import type { KV } from '@nats-io/kv';
import { callIdForChannel } from '../../src/modules/calls/call-rules.util';
import type { CallSnapshot } from '../../src/modules/calls/call.types';
import { DEFAULT_TENANT_SETTINGS } from '../../src/modules/entry-points/entry-point.types';
import { startHaInstance, type HaInstance } from '../fixtures/ha-instance';
import { startHarness, type Harness } from '../fixtures/telephony-harness';

const DID = '+15552000';
const MENU_DID = '+15552001';
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
    h.entryPoints.add({
      tenantId: h.tenantId,
      did: MENU_DID,
      flowId: 'two-menus',
      flow: {
        start: 'first',
        steps: {
          first: {
            type: 'menu',
            prompt: ['sound:first-menu'],
            options: { '1': 'german' },
            timeoutMs: 5000,
            retries: 0,
            invalidPrompt: ['sound:invalid'],
            onFailure: 'bye',
          },
          german: { type: 'set', skills: [{ skillId: 'de', minLevel: 3 }], priority: 40, next: 'second' },
          second: {
            type: 'menu',
            prompt: ['sound:second-menu'],
            options: { '2': 'queue' },
            timeoutMs: 20_000,
            retries: 1,
            invalidPrompt: ['sound:invalid'],
            onFailure: 'bye',
          },
          queue: { type: 'queue', queueId: 'sales', announceEverySeconds: 0, mohClass: 'default' },
          bye: { type: 'hangup' },
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

  it('a caller in the middle of the IVR keeps its place (step, routing, keys) across a takeover', async () => {
    const active = await startInstance('instance-ivr-a');
    const standby = await startInstance('instance-ivr-b');
    expect(active.supervisor.role).toBe('active');
    h.peers.state.agents = [];
    // Presses 1 in the first menu at once; 2 in the second menu only after the takeover (simulated time
    // runs 10x: 60 s is 6 s real; a key pressed while no instance is connected is lost, as on Asterisk).
    const channelId = await h.placeCall({
      from: '+15550000009',
      to: MENU_DID,
      dtmf: [
        { afterMs: 300, digits: '1' },
        { afterMs: 60_000, digits: '2' },
      ],
    });
    const callId = callIdForChannel(channelId);
    await waitFor(
      'the caller at the second menu, saved',
      async () => {
        const entry = await active.calls.get(callId);
        if (!entry || entry.operation !== 'PUT') return undefined;
        return (
          (JSON.parse(new TextDecoder().decode(entry.value)) as CallSnapshot).ivr?.step === 'second' ||
          undefined
        );
      },
      10_000,
    );
    await active.kill();
    await waitFor('the standby took over', () => standby.supervisor.role === 'active', 10_000);
    const completed = await hasFact(callId, 'ivr.completed');
    // Started over, the caller's 2 would have been an invalid key in the first menu.
    expect(completed.payload).toMatchObject({
      outcome: 'queue',
      queueId: 'sales',
      path: ['first', 'german', 'second', 'queue'],
      digits: '12',
    });
    const queued = await hasFact(callId, 'call.queued');
    expect(queued.payload).toMatchObject({ priority: 40, skills: [{ skill: 'de', minLevel: 3 }] });
    // The caller gives up in the queue: the call ends once, on the standby, and leaves no snapshot behind.
    await fetch(`${h.sim.url}/sim/v1/channels/${channelId}/hangup`, { method: 'POST' });
    await hasFact(callId, 'call.ended');
    await standby.stop();
  });

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
