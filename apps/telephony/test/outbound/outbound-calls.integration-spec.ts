import { AcdV1, TelephonyV1, type EventEnvelope } from '@cc/contracts';
import { AppError, ErrorKind } from '@cc/platform';
import { waitFor } from '@cc/testing';
import { startServiceWorld, type ServiceWorld } from '../fixtures/telephony-service';

const CALLER_ID = '+15551000000';

describe('outbound campaign calls over gRPC', () => {
  let w: ServiceWorld;
  let seq = 0;

  beforeAll(async () => {
    w = await startServiceWorld();
    const settings = await w.rest(w.tenantId).put('/v1/telephony-settings', {
      timeZone: 'UTC',
      safeHarbourPrompt: ['sound:hello-world'],
    });
    expect(settings.status).toBe(200);
    await waitFor('the node is active', () => w.host.role === 'active', 10_000);
  });

  afterAll(async () => {
    await w?.close();
  });

  beforeEach(() => {
    w.peers.state.agents = [];
    w.peers.state.calls.length = 0;
  });

  const request = (destination: string, overrides: Partial<TelephonyV1.OriginateCallRequest> = {}) => ({
    requestId: `attempt-${++seq}`,
    campaignId: 'spring-campaign',
    contactId: `contact-${seq}`,
    destination,
    callerId: CALLER_ID,
    trunkId: '',
    ringTimeoutSeconds: 20,
    variables: {},
    agentId: '',
    fencingToken: 0,
    queueId: 'outbound-sales',
    maxConnectDelayMs: 0,
    ...overrides,
  });
  const originate = (r: TelephonyV1.OriginateCallRequest) =>
    w.as(w.tenantId, () => w.client.originateCall(r));
  const types = (facts: EventEnvelope[]): string[] => facts.map((f) => f.type.replace('telephony.', ''));
  const ended = (callId: string) =>
    waitFor(
      `call.ended of ${callId}`,
      async () => (await w.factsOf(callId)).find((f) => f.type === 'telephony.call.ended'),
      15_000,
    );

  it('a live answer is bridged to the agent acd offers; the caller id is presented', async () => {
    const destination = '+15550002001';
    w.sim.world.setEndpointBehaviour(`PJSIP/${destination}@sipp`, {
      answerAfterMs: 2_000,
      hangupAfterMs: 30_000,
    });
    w.sim.world.setEndpointBehaviour('PJSIP/agent-out', { answerAfterMs: 300 });
    w.peers.state.agents = [{ agentId: 'agent-out', endpoint: 'PJSIP/agent-out' }];
    const response = await originate(request(destination));
    expect(response).toMatchObject({
      alreadyOriginated: false,
      state: TelephonyV1.CallState.CALL_STATE_DIALING,
    });
    const end = await ended(response.callId);
    expect(end.payload).toMatchObject({
      direction: 'outbound',
      campaignId: 'spring-campaign',
      agentId: 'agent-out',
      hangupBy: 'caller',
      from: CALLER_ID,
      to: destination,
    });
    expect(types(await w.factsOf(response.callId))).toEqual([
      'call.started',
      'call.queued',
      'agent_leg.ringing',
      'call.answered',
      'call.connected',
      'call.ended',
    ]);
    const enqueue = w.peers.state.methods('enqueueCall')[0] as AcdV1.EnqueueCallRequest;
    expect(enqueue).toMatchObject({ queueId: 'outbound-sales', priority: 100 });
    const customer = w.sim.world
      .callOutcomes()
      .find((o) => o.channelId === response.callId.slice('call-'.length));
    expect(customer).toMatchObject({ endpoint: `PJSIP/${destination}@sipp`, bridged: true });
    expect(customer?.from).toContain(CALLER_ID.replace('+', ''));
  });

  it('no agent within 2 s: the safe-harbour message, the hang-up, and an abandoned fact', async () => {
    const destination = '+15550002002';
    w.sim.world.setEndpointBehaviour(`PJSIP/${destination}@sipp`, { answerAfterMs: 1_000 });
    const response = await originate(request(destination));
    const end = await ended(response.callId);
    expect(end.payload).toMatchObject({ hangupBy: 'system', direction: 'outbound' });
    const facts = await w.factsOf(response.callId);
    expect(types(facts)).toEqual(['call.started', 'call.queued', 'call.abandoned', 'call.ended']);
    expect(facts[2]?.payload).toMatchObject({ stage: 'outbound_no_agent', queueId: 'outbound-sales' });
    const waited = (facts[2]?.payload as { waitMs: number }).waitMs;
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(4_000);
    const customer = w.sim.world
      .callOutcomes()
      .find((o) => o.channelId === response.callId.slice('call-'.length));
    expect(customer?.media).toContain('sound:hello-world');
    const cancels = w.peers.state.methods('cancelCall') as AcdV1.CancelCallRequest[];
    expect(cancels).toEqual([
      expect.objectContaining({
        callId: response.callId,
        reason: AcdV1.CancelReason.CANCEL_REASON_MAX_WAIT_REACHED,
      }),
    ]);
  });

  it('busy or not answered: the call ends with the cause, nothing queued, nothing abandoned', async () => {
    const destination = '+15550002003';
    w.sim.world.setEndpointBehaviour(`PJSIP/${destination}@sipp`, { answerAfterMs: null, busy: true });
    const response = await originate(request(destination));
    const end = await ended(response.callId);
    expect(end.payload).toMatchObject({ hangupCause: 17 });
    expect(types(await w.factsOf(response.callId))).toEqual(['call.started', 'call.ended']);
    expect(w.peers.state.methods('enqueueCall')).toEqual([]);
  });

  it('a retried request is not dialed twice', async () => {
    const destination = '+15550002004';
    w.sim.world.setEndpointBehaviour(`PJSIP/${destination}@sipp`, {
      answerAfterMs: null,
      busy: true,
      busyAfterMs: 3_000,
    });
    const r = request(destination);
    const first = await originate(r);
    const again = await originate(r);
    expect(again).toMatchObject({ callId: first.callId, alreadyOriginated: true });
    await ended(first.callId);
    expect(w.sim.world.callOutcomes().filter((o) => o.endpoint === `PJSIP/${destination}@sipp`)).toHaveLength(
      1,
    );
  });

  it('refuses a call without caller id, with a ring shorter than 15 s, or a delay over 2 s, naming the fields', async () => {
    const error = await originate(
      request('+15550002005', { callerId: '', ringTimeoutSeconds: 10, maxConnectDelayMs: 5_000 }),
    ).then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    expect(error?.kind).toBe(ErrorKind.InvalidArgument);
    expect(error?.violations.map((v) => v.field).sort()).toEqual([
      'callerId',
      'maxConnectDelayMs',
      'ringTimeoutSeconds',
    ]);
  });
});
