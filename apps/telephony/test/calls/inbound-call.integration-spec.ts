import { waitFor } from '@cc/testing';
import type { EventEnvelope } from '@cc/contracts';
import { callIdForChannel } from '../../src/modules/calls/call-rules.util';
import { salesEntryPoint } from '../fixtures/flows';
import { startHarness, type Harness } from '../fixtures/telephony-harness';

const DID = '+15551000';
const CALLER = '+15550001111';

function types(facts: EventEnvelope[]): string[] {
  return facts.map((f) => f.type);
}

describe('inbound calls against the ARI simulator', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.entryPoints.add(
      salesEntryPoint(h.tenantId, DID, { recordCalls: true, consentPrompt: ['sound:recording-consent'] }),
    );
    await h.engine.start();
  });

  afterAll(async () => {
    await h?.close();
  });

  beforeEach(() => {
    h.peers.state.agents = [];
    h.peers.state.calls.length = 0;
    h.peers.state.screenPopDelayMs = 0;
    h.peers.state.enqueueAnswerDelayMs = 0;
  });

  const endedFact = (callId: string) =>
    waitFor(
      `call.ended of ${callId}`,
      async () => (await h.factsOf(callId)).find((f) => f.type === 'telephony.call.ended'),
      15_000,
    );

  it('carries a caller through the IVR to an agent, bridges, records after consent, and reports every fact in order', async () => {
    h.sim.world.setEndpointBehaviour('PJSIP/agent-1001', { answerAfterMs: 2000, hangupAfterMs: 6000 });
    h.peers.state.agents = [{ agentId: 'agent-1001', endpoint: 'PJSIP/agent-1001' }];
    const channelId = await h.placeCall({ from: CALLER, to: DID, dtmf: [{ afterMs: 2000, digits: '1' }] });
    const callId = callIdForChannel(channelId);

    const ended = await endedFact(callId);
    const recording = await waitFor(
      'recording.ready',
      async () => (await h.factsOf(callId)).find((f) => f.type === 'telephony.recording.ready'),
      10_000,
    );
    const facts = await h.factsOf(callId);
    expect(types(facts)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.agent_leg.ringing',
      'telephony.call.answered',
      'telephony.call.connected',
      'telephony.call.ended',
      'telephony.recording.ready',
    ]);
    expect(facts[1]?.payload).toMatchObject({
      outcome: 'queue',
      queueId: 'sales',
      digits: '1',
      path: ['welcome', 'menu', 'sales-skills', 'queue'],
    });
    expect(facts[2]?.payload).toMatchObject({
      queueId: 'sales',
      priority: 10,
      skills: [{ skill: 'sales', minLevel: 3 }],
    });
    expect(ended.payload).toMatchObject({
      callId,
      from: CALLER,
      to: DID,
      agentId: 'agent-1001',
      hangupBy: 'agent',
      recordingId: `call-${callId}`,
    });
    const p = ended.payload as { talkMs: number; waitMs: number; ringMs: number };
    expect(p.talkMs).toBeGreaterThan(0);
    expect(p.ringMs).toBeGreaterThan(0);
    expect(recording.payload).toMatchObject({ callId, consentPlayed: true, format: 'wav' });
    // Every fact id is deterministic: a successor re-publishing one is de-duplicated.
    expect(facts.map((f) => f.id)).toContain(`${callId}:ended`);

    const enqueue = h.peers.state.methods('enqueueCall')[0] as {
      requiredSkills: unknown;
      telephonyNodeId: string;
      language: string;
    };
    expect(enqueue).toMatchObject({
      requiredSkills: [{ skillId: 'sales', minLevel: 3 }],
      telephonyNodeId: h.nodeId,
      language: 'en',
    });
    expect(h.peers.state.methods('acknowledgeAssignment')).toHaveLength(1);
    expect(h.peers.state.methods('startWrapUp')).toHaveLength(1);

    const outcomes = (await (await fetch(`${h.sim.url}/sim/v1/calls`)).json()) as {
      channelId: string;
      bridged: boolean;
      from: string;
      endpoint: string;
      media: string[];
    }[];
    const caller = outcomes.find((o) => o.channelId === channelId);
    const agent = outcomes.find((o) => o.endpoint.includes('agent-1001'));
    expect(caller?.bridged).toBe(true);
    expect(agent?.bridged).toBe(true);
    // The agent's phone showed the customer's number.
    expect(agent?.from).toContain(CALLER.replace('+', ''));
    expect(h.sim.world.listBridges()).toEqual([]);
  });

  it('caller abandons in the queue: acd is told, call.abandoned (queue) then call.ended by the caller', async () => {
    const channelId = await h.placeCall({
      from: CALLER,
      to: DID,
      dtmf: [{ afterMs: 500, digits: '1' }],
      hangupAfterMs: 8000,
    });
    const callId = callIdForChannel(channelId);
    const ended = await endedFact(callId);
    const facts = await h.factsOf(callId);
    expect(types(facts)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.call.abandoned',
      'telephony.call.ended',
    ]);
    expect(facts[3]?.payload).toMatchObject({ stage: 'queue', queueId: 'sales' });
    expect(ended.payload).toMatchObject({ hangupBy: 'caller', talkMs: 0 });
    await waitFor('CancelCall', () =>
      h.peers.state.methods('cancelCall').some((r) => (r as { callId: string }).callId === callId),
    );
  });

  it('agent does not answer: acd gets RejectAssignment (no answer) with the fencing token, the next agent is rung and connected', async () => {
    h.sim.world.setEndpointBehaviour('PJSIP/agent-2001', { answerAfterMs: null });
    h.sim.world.setEndpointBehaviour('PJSIP/agent-2002', { answerAfterMs: 1000, hangupAfterMs: 3000 });
    h.peers.state.ringTimeoutSeconds = 5;
    h.peers.state.agents = [
      { agentId: 'agent-2001', endpoint: 'PJSIP/agent-2001' },
      { agentId: 'agent-2002', endpoint: 'PJSIP/agent-2002' },
    ];
    const channelId = await h.placeCall({ from: CALLER, to: DID, dtmf: [{ afterMs: 500, digits: '1' }] });
    const callId = callIdForChannel(channelId);
    const ended = await endedFact(callId);
    const facts = await h.factsOf(callId);
    expect(types(facts).slice(0, 7)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.agent_leg.ringing',
      'telephony.agent_leg.failed',
      'telephony.agent_leg.ringing',
      'telephony.call.answered',
    ]);
    expect(facts[4]?.payload).toMatchObject({ agentId: 'agent-2001', reason: 'no_answer', cause: 19 });
    const rejects = h.peers.state.methods('rejectAssignment') as {
      agentId: string;
      reason: number;
      fencingToken: number;
    }[];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ agentId: 'agent-2001', reason: 1 });
    expect(rejects[0]?.fencingToken).toBeGreaterThan(0);
    expect(ended.payload).toMatchObject({ agentId: 'agent-2002', hangupBy: 'agent' });
    h.peers.state.ringTimeoutSeconds = 10;
  });

  it('an assignment that overtakes the enqueue answer is rung once the call is queued, not handed back', async () => {
    // acd assigns a free agent at once; its stream can deliver the offer before EnqueueCall's answer.
    // Declining it then made acd put a blameless agent on not-ready (no answer) for good.
    h.peers.state.enqueueAnswerDelayMs = 150;
    h.sim.world.setEndpointBehaviour('PJSIP/agent-2101', { answerAfterMs: 200, hangupAfterMs: 1000 });
    h.peers.state.agents = [{ agentId: 'agent-2101', endpoint: 'PJSIP/agent-2101' }];
    const channelId = await h.placeCall({ from: CALLER, to: DID, dtmf: [{ afterMs: 500, digits: '1' }] });
    const callId = callIdForChannel(channelId);
    const ended = await endedFact(callId);
    expect(ended.payload).toMatchObject({ agentId: 'agent-2101', hangupBy: 'agent' });
    expect(h.peers.state.methods('rejectAssignment')).toEqual([]);
    expect(types(await h.factsOf(callId)).slice(0, 6)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.agent_leg.ringing',
      'telephony.call.answered',
      'telephony.call.connected',
    ]);
  });

  it('busy agent: rejected as busy', async () => {
    h.sim.world.setEndpointBehaviour('PJSIP/agent-3001', {
      answerAfterMs: null,
      busy: true,
      busyAfterMs: 300,
    });
    h.peers.state.agents = [{ agentId: 'agent-3001', endpoint: 'PJSIP/agent-3001' }];
    const channelId = await h.placeCall({
      from: CALLER,
      to: DID,
      dtmf: [{ afterMs: 500, digits: '1' }],
      hangupAfterMs: 12000,
    });
    const callId = callIdForChannel(channelId);
    await endedFact(callId);
    const failed = (await h.factsOf(callId)).find((f) => f.type === 'telephony.agent_leg.failed');
    expect(failed?.payload).toMatchObject({ reason: 'busy', cause: 17 });
    expect(h.peers.state.methods('rejectAssignment')).toEqual([
      expect.objectContaining({ callId, reason: 2 }),
    ]);
  });

  it('caller hangs up while the agent rings: the agent leg is hung up, acd cancels, call.abandoned (ringing)', async () => {
    h.sim.world.setEndpointBehaviour('PJSIP/agent-4001', { answerAfterMs: null });
    h.peers.state.agents = [{ agentId: 'agent-4001', endpoint: 'PJSIP/agent-4001' }];
    h.peers.state.ringTimeoutSeconds = 120;
    const channelId = await h.placeCall({
      from: CALLER,
      to: DID,
      dtmf: [{ afterMs: 500, digits: '1' }],
      hangupAfterMs: 12000,
    });
    const callId = callIdForChannel(channelId);
    await endedFact(callId);
    const facts = await h.factsOf(callId);
    expect(types(facts)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.agent_leg.ringing',
      'telephony.call.abandoned',
      'telephony.call.ended',
    ]);
    expect(facts[4]?.payload).toMatchObject({ stage: 'ringing' });
    await waitFor(
      'agent leg gone',
      () => !h.sim.world.listChannels().some((c) => c.name.includes('agent-4001')),
    );
    expect(h.peers.state.methods('cancelCall')).toEqual([expect.objectContaining({ callId, reason: 1 })]);
    expect(h.peers.state.methods('rejectAssignment')).toEqual([]);
    h.peers.state.ringTimeoutSeconds = 10;
  });

  it('unknown DID: a polite message, a clean hang-up and a call.rejected fact for the operator', async () => {
    const channelId = await h.placeCall({ from: CALLER, to: '+19999999' });
    const callId = callIdForChannel(channelId);
    const rejected = await waitFor('call.rejected', async () =>
      (await h.facts()).find(
        (f) => f.type === 'telephony.call.rejected' && (f.payload as { callId: string }).callId === callId,
      ),
    );
    expect(rejected.tenantId).toBe(h.operatorTenantId);
    expect(rejected.payload).toMatchObject({ reason: 'unknown_did', to: '+19999999' });
    const outcome = await waitFor('the caller hung up by us', async () => {
      const calls = (await (await fetch(`${h.sim.url}/sim/v1/calls`)).json()) as {
        channelId: string;
        hungUpBy: string | null;
        media: string[];
      }[];
      return calls.find((c) => c.channelId === channelId && c.hungUpBy !== null);
    });
    expect(outcome).toMatchObject({ hungUpBy: 'app', media: ['sound:ss-noservice'] });
  });

  it('a slow crm (over 150 ms) neither delays nor drops the call; a fast one raises the priority by value tier', async () => {
    h.peers.state.screenPopDelayMs = 1500;
    const slow = callIdForChannel(
      await h.placeCall({
        from: CALLER,
        to: DID,
        dtmf: [{ afterMs: 300, digits: '1' }],
        hangupAfterMs: 6000,
      }),
    );
    await waitFor('slow-crm call queued', async () =>
      (await h.factsOf(slow)).some((f) => f.type === 'telephony.call.queued'),
    );
    const queuedSlow = (await h.factsOf(slow)).find((f) => f.type === 'telephony.call.queued');
    expect(queuedSlow?.payload).toMatchObject({ priority: 10 });
    expect(queuedSlow?.payload).not.toHaveProperty('customerId');

    h.peers.state.screenPopDelayMs = 0;
    h.peers.state.screenPop = {
      found: true,
      customer: {
        customerId: 'cust-1',
        displayName: 'Ada',
        language: 'en',
        timeZone: 'Europe/Zurich',
        externalRef: '',
        tags: [],
        consent: { recording: true, marketing: false },
        lifetimeValue: undefined,
        valueTier: 4,
      },
      openLeads: [],
      recentInteractions: [],
      caller: undefined,
    };
    const vip = callIdForChannel(
      await h.placeCall({
        from: CALLER,
        to: DID,
        dtmf: [{ afterMs: 300, digits: '1' }],
        hangupAfterMs: 6000,
      }),
    );
    const queuedVip = await waitFor('vip queued', async () =>
      (await h.factsOf(vip)).find((f) => f.type === 'telephony.call.queued'),
    );
    expect(queuedVip.payload).toMatchObject({ priority: 40, customerId: 'cust-1', valueTier: 4 });
    h.peers.state.screenPop = undefined;
    await endedFact(slow);
    await endedFact(vip);
  });

  it('the caller presses the callback key in the queue: acd cancels, callback.requested, hang-up', async () => {
    const channelId = await h.placeCall({
      from: CALLER,
      to: DID,
      dtmf: [
        { afterMs: 300, digits: '1' },
        { afterMs: 3000, digits: '*' },
      ],
    });
    const callId = callIdForChannel(channelId);
    await endedFact(callId);
    const facts = await h.factsOf(callId);
    expect(types(facts)).toEqual([
      'telephony.call.started',
      'telephony.ivr.completed',
      'telephony.call.queued',
      'telephony.callback.requested',
      'telephony.call.ended',
    ]);
    expect(facts[3]?.payload).toMatchObject({ source: 'queue', number: CALLER, queueId: 'sales' });
    expect(h.peers.state.methods('cancelCall')).toEqual([expect.objectContaining({ callId, reason: 2 })]);
  });
});
