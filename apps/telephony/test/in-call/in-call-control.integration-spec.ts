import { TelephonyV1, type EventEnvelope } from '@cc/contracts';
import { AppError, ErrorKind } from '@cc/platform';
import { waitFor } from '@cc/testing';
import { startServiceWorld, type ServiceWorld } from '../fixtures/telephony-service';

const DID = '+15553000';

interface SimChannel {
  id: string;
  name: string;
  bridge: string | null;
  moh: string | null;
  snoop?: { of: string; spy: string; whisper: string };
}

describe('in-call control over gRPC: hold, transfer, monitoring, hang-up', () => {
  let w: ServiceWorld;

  beforeAll(async () => {
    w = await startServiceWorld();
    const flow = await w.rest(w.tenantId).put('/v1/ivr-flows/queue-only', {
      name: 'Queue only',
      definition: { start: 'q', steps: { q: { type: 'queue', queueId: 'sales', announceEverySeconds: 0 } } },
    });
    expect(flow.status).toBe(200);
    expect((await w.rest(w.tenantId).put(`/v1/dids/${DID}`, { flowId: 'queue-only' })).status).toBe(201);
    await waitFor('the node is active', () => w.host.role === 'active', 10_000);
  });

  afterAll(async () => {
    await w?.close();
  });

  beforeEach(() => {
    w.peers.state.agents = [];
    w.peers.state.calls.length = 0;
  });

  const channels = (): SimChannel[] => (w.sim.world.state() as { channels: SimChannel[] }).channels;
  const channelOf = (id: string): SimChannel | undefined => channels().find((c) => c.id === id);
  const types = (facts: EventEnvelope[]): string[] => facts.map((f) => f.type.replace('telephony.', ''));
  const fact = (callId: string, type: string) =>
    waitFor(
      `${type} of ${callId}`,
      async () => (await w.factsOf(callId)).find((f) => f.type === `telephony.${type}`),
      15_000,
    );
  const as = <T>(fn: () => Promise<T>): Promise<T> => w.as(w.tenantId, fn);
  const errorOf = (p: Promise<unknown>): Promise<AppError> =>
    p.then(
      () => {
        throw new Error('expected an error');
      },
      (e: unknown) => e as AppError,
    );

  async function connectedCall(
    agentId: string,
    from: string,
  ): Promise<{ callId: string; agentChannel: string }> {
    w.sim.world.setEndpointBehaviour(`PJSIP/${agentId}`, { answerAfterMs: 300 });
    w.peers.state.agents = [{ agentId, endpoint: `PJSIP/${agentId}` }];
    const callId = await w.placeCall({ from, to: DID });
    await fact(callId, 'call.connected');
    const snapshot = w.host.engine?.calls.snapshot(callId);
    return { callId, agentChannel: snapshot?.agent?.channelId ?? '' };
  }

  it('holds (music for the customer, the agent stays bridged), resumes, and the agent hangs up from the desktop', async () => {
    const { callId, agentChannel } = await connectedCall('agent-hold', '+15550000101');
    const caller = callId.slice('call-'.length);
    const bridge = channelOf(caller)?.bridge;
    expect(bridge).toBeTruthy();

    const held = await as(() => w.client.holdCall({ callId }));
    expect(held.state).toBe(TelephonyV1.CallState.CALL_STATE_ON_HOLD);
    expect(channelOf(caller)).toMatchObject({ bridge: null, moh: 'default' });
    expect(channelOf(agentChannel)?.bridge).toBe(bridge);
    // Holding twice is fine.
    expect((await as(() => w.client.holdCall({ callId }))).state).toBe(
      TelephonyV1.CallState.CALL_STATE_ON_HOLD,
    );
    await new Promise((r) => setTimeout(r, 200));

    const resumed = await as(() => w.client.resumeCall({ callId }));
    expect(resumed.state).toBe(TelephonyV1.CallState.CALL_STATE_CONNECTED);
    expect(channelOf(caller)).toMatchObject({ bridge, moh: null });

    const got = await as(() => w.client.getCall({ callId }));
    expect(got.call).toMatchObject({
      callId,
      agentId: 'agent-hold',
      state: TelephonyV1.CallState.CALL_STATE_CONNECTED,
    });

    const hangup = await as(() =>
      w.client.hangupCall({ callId, reason: 'done', requestedBy: TelephonyV1.HangupSide.HANGUP_SIDE_AGENT }),
    );
    expect(hangup.alreadyEnded).toBe(false);
    const ended = await fact(callId, 'call.ended');
    expect(ended.payload).toMatchObject({ hangupBy: 'agent', holdCount: 1, agentId: 'agent-hold' });
    expect((ended.payload as { holdMs: number }).holdMs).toBeGreaterThanOrEqual(150);
    const resumedFact = await fact(callId, 'call.resumed');
    expect((resumedFact.payload as { heldMs: number }).heldMs).toBeGreaterThanOrEqual(150);
    expect(types(await w.factsOf(callId))).toEqual([
      'call.started',
      'ivr.completed',
      'call.queued',
      'agent_leg.ringing',
      'call.answered',
      'call.connected',
      'call.held',
      'call.resumed',
      'call.ended',
    ]);
    await waitFor('wrap-up started', () => w.peers.state.methods('startWrapUp').length === 1, 5_000);
    // A call that already ended: nothing to do.
    await waitFor('call gone', () => w.host.engine?.calls.snapshot(callId) === undefined, 5_000);
  });

  it("refuses another tenant's call as not found, a call in the wrong state, and malformed requests naming the field", async () => {
    const { callId } = await connectedCall('agent-tenant', '+15550000102');
    const foreign = await w.as(w.otherTenantId, () => errorOf(w.client.holdCall({ callId })));
    expect(foreign.kind).toBe(ErrorKind.NotFound);
    // A queued call has nobody to hold it for.
    w.peers.state.agents = [];
    const queued = await w.placeCall({ from: '+15550000112', to: DID });
    await fact(queued, 'call.queued');
    const wrongState = await errorOf(as(() => w.client.holdCall({ callId: queued })));
    expect(wrongState.kind).toBe(ErrorKind.FailedPrecondition);
    await as(() => w.client.hangupCall({ callId: queued, reason: '', requestedBy: 0 }));
    expect((await fact(queued, 'call.ended')).payload).toMatchObject({ hangupBy: 'system' });
    const both = await errorOf(
      as(() => w.client.transferCall({ callId, queueId: 'support', externalNumber: '+15550009999' })),
    );
    expect(both.kind).toBe(ErrorKind.InvalidArgument);
    expect(both.violations.map((v) => v.field)).toContain('target');
    const badNumber = await errorOf(as(() => w.client.transferCall({ callId, externalNumber: '12' })));
    expect(badNumber.violations.map((v) => v.field)).toContain('externalNumber');
    const badMode = await errorOf(
      as(() =>
        w.client.startMonitoring({
          callId,
          supervisorId: 'sup-1',
          supervisorEndpoint: 'PJSIP/sup-1',
          mode: TelephonyV1.MonitoringMode.MONITORING_MODE_UNSPECIFIED,
        }),
      ),
    );
    expect(badMode.violations.map((v) => v.field)).toContain('mode');
    // The customer hangs up.
    await fetch(`${w.sim.url}/sim/v1/channels/${callId.slice('call-'.length)}/hangup`, { method: 'POST' });
    expect((await fact(callId, 'call.ended')).payload).toMatchObject({ hangupBy: 'caller' });
  });

  it('blind transfer to another queue: the first agent leaves for wrap-up, the call is queued again and reaches the next agent', async () => {
    w.sim.world.setEndpointBehaviour('PJSIP/agent-second', { answerAfterMs: 300, hangupAfterMs: 2_000 });
    const { callId, agentChannel } = await connectedCall('agent-first', '+15550000103');
    w.peers.state.agents = [
      { agentId: 'agent-first', endpoint: 'PJSIP/agent-first' },
      { agentId: 'agent-second', endpoint: 'PJSIP/agent-second' },
    ];
    const transferred = await as(() => w.client.transferCall({ callId, queueId: 'support' }));
    expect(transferred.state).toBe(TelephonyV1.CallState.CALL_STATE_QUEUED);
    expect(channelOf(agentChannel)).toBeUndefined();
    const ended = await fact(callId, 'call.ended');
    expect(ended.payload).toMatchObject({
      agentId: 'agent-second',
      transferCount: 1,
      hangupBy: 'agent',
      queueId: 'support',
    });
    expect(types(await w.factsOf(callId))).toEqual([
      'call.started',
      'ivr.completed',
      'call.queued',
      'agent_leg.ringing',
      'call.answered',
      'call.connected',
      'call.transferred',
      'call.queued',
      'agent_leg.ringing',
      'call.answered',
      'call.connected',
      'call.ended',
    ]);
    const transferFact = (await w.factsOf(callId)).find((f) => f.type === 'telephony.call.transferred');
    expect(transferFact?.payload).toMatchObject({
      fromAgentId: 'agent-first',
      target: { kind: 'queue', queueId: 'support' },
    });
    const enqueues = w.peers.state.methods('enqueueCall') as { queueId: string }[];
    expect(enqueues.map((e) => e.queueId)).toEqual(['sales', 'support']);
    await waitFor('both agents wrapped up', () => w.peers.state.methods('startWrapUp').length === 2, 5_000);
  });

  it('blind transfer to an external number: a REFER to the customer; the call ends when the customer leaves', async () => {
    const { callId } = await connectedCall('agent-ext', '+15550000104');
    const transferred = await as(() => w.client.transferCall({ callId, externalNumber: '+15550009999' }));
    expect(transferred.state).toBe(TelephonyV1.CallState.CALL_STATE_CONNECTED);
    const ended = await fact(callId, 'call.ended');
    expect(ended.payload).toMatchObject({ hangupBy: 'caller', transferCount: 1 });
    const outcome = w.sim.world.callOutcomes().find((o) => o.channelId === callId.slice('call-'.length));
    expect(outcome?.redirectedTo).toBe('PJSIP/+15550009999@sipp');
    const transferFact = (await w.factsOf(callId)).find((f) => f.type === 'telephony.call.transferred');
    expect(transferFact?.payload).toMatchObject({ target: { kind: 'external', number: '+15550009999' } });
  });

  it.each([
    // The snoop sits on the agent's leg: it hears both directions; a whisper speaks only into the audio
    // going out to the agent's phone (the customer never hears the supervisor), a listen speaks nowhere.
    ['listen', TelephonyV1.MonitoringMode.MONITORING_MODE_LISTEN, 'none'],
    ['whisper', TelephonyV1.MonitoringMode.MONITORING_MODE_WHISPER, 'out'],
  ])(
    'a supervisor %ss: snoop on the agent bridged with the supervisor phone, stopped on request',
    async (mode, value, whisper) => {
      w.sim.world.setEndpointBehaviour('PJSIP/sup-2001', { answerAfterMs: 300 });
      const { callId, agentChannel } = await connectedCall(`agent-mon-${mode}`, '+15550000105');
      const { monitoringId } = await as(() =>
        w.client.startMonitoring({
          callId,
          supervisorId: 'sup-2001',
          supervisorEndpoint: 'PJSIP/sup-2001',
          mode: value,
        }),
      );
      const supChannel = `${monitoringId}-sup`;
      const snoopChannel = `${monitoringId}-snoop`;
      await waitFor(
        'supervisor bridged with the snoop',
        () => {
          const sup = channelOf(supChannel);
          return sup?.bridge && sup.bridge === channelOf(snoopChannel)?.bridge ? sup.bridge : undefined;
        },
        10_000,
      );
      expect(channelOf(snoopChannel)?.name).toContain(`Snoop/${agentChannel}`);
      expect(channelOf(snoopChannel)?.snoop).toEqual({ of: agentChannel, spy: 'both', whisper });
      // The conversation itself is untouched.
      expect(channelOf(agentChannel)?.bridge).toBe(channelOf(callId.slice('call-'.length))?.bridge);
      expect((await as(() => w.client.stopMonitoring({ callId, monitoringId }))).stopped).toBe(true);
      await waitFor('supervisor leg gone', () => channelOf(supChannel) === undefined, 5_000);
      expect(channelOf(snoopChannel)).toBeUndefined();
      expect((await as(() => w.client.stopMonitoring({ callId, monitoringId }))).stopped).toBe(false);
      await as(() =>
        w.client.hangupCall({ callId, reason: '', requestedBy: TelephonyV1.HangupSide.HANGUP_SIDE_SYSTEM }),
      );
      expect((await fact(callId, 'call.ended')).payload).toMatchObject({ hangupBy: 'system' });
    },
  );
});
