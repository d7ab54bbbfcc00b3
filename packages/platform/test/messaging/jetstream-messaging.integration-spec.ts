import { SpanKind } from '@opentelemetry/api';
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  AgentStateChanged,
  CallEnded,
  CallStarted,
  createEnvelope,
  subjectOf,
  type PayloadOf,
} from '@cc/contracts';
import { AppError, ErrorKind } from '../../src/errors/app-error';
import { TenantContext } from '../../src/tenancy/tenant-context';
import {
  EventConsumerService,
  EventPublisher,
  MessagingHeaders,
  NatsConnectionService,
  deadLetterStream,
  domainStream,
  ensureStreams,
  onEvent,
  publishEnvelope,
  type ConsumerDefinition,
  type MessageOutcome,
  type RunningConsumer,
} from '../../src/messaging';
import {
  FixtureProcess,
  NATS_URL,
  installTestTracing,
  sleep,
  suffix,
  uniqueStreamPrefix,
  uniqueTenants,
  waitFor,
  type TestTracing,
} from './messaging-test.util';

jest.setTimeout(60_000);

const quietLogger = { warn: () => undefined, error: () => undefined };

const callEnded = (callId: string): PayloadOf<typeof CallEnded> => ({
  callId,
  direction: 'inbound',
  from: '+33612345678',
  to: '+33140000000',
  startedAt: '2025-01-01T10:00:00.000Z',
  endedAt: '2025-01-01T10:05:00.000Z',
  waitMs: 1_000,
  talkMs: 299_000,
  holdMs: 0,
  holdCount: 0,
  transferCount: 0,
  hangupBy: 'agent',
});

describe('JetStream messaging (real NATS)', () => {
  const prefix = uniqueStreamPrefix();
  const [tenantA, tenantB, tenantC] = uniqueTenants(3) as [string, string, string];
  const tenants = [tenantA, tenantB, tenantC];
  const telephony = domainStream('telephony', { prefix, tenants, maxAgeMs: 10 * 60_000 });
  const acd = domainStream('acd', { prefix, tenants, maxAgeMs: 10 * 60_000 });
  const dlq = deadLetterStream({ prefix, tenants, maxAgeMs: 10 * 60_000 });
  let nats: NatsConnectionService;
  let jsm: JetStreamManager;
  let publisher: EventPublisher;
  let consumers: EventConsumerService;
  let tracing: TestTracing;
  const running: RunningConsumer[] = [];

  function consumerDef(
    name: string,
    filter: string,
    overrides: Partial<ConsumerDefinition> = {},
  ): ConsumerDefinition {
    return {
      stream: telephony.name,
      durableName: `${name}_${suffix()}`,
      filterSubjects: [filter],
      ackWaitMs: 5_000,
      maxDeliver: 4,
      backoffMs: [200, 400, 800],
      deadLetterStream: dlq.name,
      ...overrides,
    };
  }

  async function start(
    def: ConsumerDefinition,
    handlers: Parameters<EventConsumerService['consume']>[1],
    outcomes: MessageOutcome[] = [],
  ): Promise<MessageOutcome[]> {
    await ensureStreams(jsm, [], [def]);
    running.push(
      await consumers.consume(def, handlers, { onOutcome: (o) => outcomes.push(o), logger: quietLogger }),
    );
    return outcomes;
  }

  beforeAll(async () => {
    tracing = installTestTracing();
    nats = new NatsConnectionService({ servers: NATS_URL, name: 'messaging-integration-spec' });
    await nats.connect();
    jsm = await nats.jetstreamManager();
    await ensureStreams(jsm, [telephony, acd, dlq]);
    publisher = new EventPublisher(nats);
    consumers = new EventConsumerService(nats);
  });

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    for (const stream of [telephony, acd, dlq]) await jsm.streams.delete(stream.name).catch(() => false);
    await nats.drain();
    await tracing.shutdown();
  });

  beforeEach(() => tracing.exporter.reset());

  it('ensureStreams is idempotent and applies changed settings', async () => {
    await ensureStreams(jsm, [{ ...acd, duplicateWindowMs: 90_000 }]);
    await ensureStreams(jsm, [{ ...acd, duplicateWindowMs: 90_000 }]);
    const info = await jsm.streams.info(acd.name);
    expect(info.config.duplicate_window).toBe(90_000 * 1_000_000);
    expect(info.config.subjects).toEqual(tenants.map((t) => `cc.${t}.acd.>`));
  });

  it('(a) consumes an event published by another process exactly once, continuing its trace', async () => {
    const received: { id: string; tenantInContext: string; tenantId: string }[] = [];
    const def = consumerDef('cross_process', `cc.${tenantA}.telephony.call.ended`);
    const outcomes = await start(def, [
      onEvent(CallEnded, (envelope) => {
        received.push({
          id: envelope.id,
          tenantInContext: TenantContext.require(),
          tenantId: envelope.tenantId,
        });
        return Promise.resolve();
      }),
    ]);
    const eventId = `evt-${suffix()}`;
    const child = new FixtureProcess('publish-event.fixture.ts', {
      NATS_URL,
      TENANT_ID: tenantA,
      EVENT_ID: eventId,
      CALL_ID: `call-${suffix()}`,
    });
    const published = await child.line<{
      event: string;
      pid: number;
      traceId: string;
      spanId: string;
      seq: number;
      duplicate: boolean;
      kind: number;
    }>('the publish line', (l) => l.event === 'published');
    expect((await child.exited()).code).toBe(0);
    expect(published.pid).not.toBe(process.pid);
    expect(published.duplicate).toBe(false);
    expect(published.kind).toBe(SpanKind.PRODUCER);

    await waitFor('the event to be handled', () => (outcomes.includes('acked') ? true : undefined));
    // Give a wrongful redelivery time to show up before asserting "once".
    await sleep(1_000);
    expect(received).toEqual([{ id: eventId, tenantInContext: tenantA, tenantId: tenantA }]);
    const info = await jsm.consumers.info(def.stream, def.durableName);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);

    const consumerSpan = tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === `process cc.${tenantA}.telephony.call.ended`);
    expect(consumerSpan).toBeDefined();
    expect(consumerSpan!.kind).toBe(SpanKind.CONSUMER);
    expect(consumerSpan!.spanContext().traceId).toBe(published.traceId);
    expect(consumerSpan!.parentSpanContext?.spanId).toBe(published.spanId);
    expect(consumerSpan!.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.message.id': eventId,
      'messaging.consumer.group.name': def.durableName,
      'messaging.cc.outcome': 'acked',
    });
  });

  it('(c) de-duplicates a re-published envelope id inside the duplicate window', async () => {
    const first = await publisher.publish(CallEnded, tenantB, callEnded('call-dup'));
    expect(first.duplicate).toBe(false);
    const again = await publishEnvelope(nats.jetstream, first.subject, first.envelope);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq, stream: telephony.name });
    const viaPublisher = await publisher.publish(CallEnded, tenantB, callEnded('call-dup'), {
      id: first.envelope.id,
    });
    expect(viaPublisher.duplicate).toBe(true);
    const stored = await jsm.streams.getMessage(telephony.name, { seq: first.seq });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(first.envelope.id);
    expect(stored?.header.get(MessagingHeaders.TenantId)).toBe(tenantB);
    expect(stored?.header.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const spans = tracing.exporter.getFinishedSpans().filter((s) => s.name === `publish ${first.subject}`);
    expect(spans.map((s) => s.attributes['messaging.nats.duplicate'])).toEqual([false, true, true]);
  });

  it('never puts an invalid payload on the wire', async () => {
    const before = (await jsm.streams.info(telephony.name)).state.messages;
    await expect(publisher.publish(CallEnded, tenantB, { ...callEnded('x'), talkMs: -5 })).rejects.toThrow(
      /talkMs/,
    );
    expect((await jsm.streams.info(telephony.name)).state.messages).toBe(before);
  });

  it('(d) dead-letters poison messages once, without retrying them', async () => {
    const subject = `cc.${tenantC}.telephony.call.ended`;
    const def = consumerDef('poison', subject);
    let handlerCalls = 0;
    const outcomes = await start(def, [
      onEvent(CallEnded, (envelope) => {
        handlerCalls += 1;
        if (envelope.payload.callId === 'call-invalid') {
          return Promise.reject(new AppError(ErrorKind.InvalidArgument, 'unknown queue for this call'));
        }
        return Promise.resolve();
      }),
    ]);
    // 1: not JSON; 2: an envelope whose payload breaks the schema; 3: a handler refusing it;
    // 4: an envelope published under another tenant's subject.
    await nats.jetstream.publish(subject, new TextEncoder().encode('{not json'), {
      msgID: `raw-${suffix()}`,
    });
    const bad = {
      ...createEnvelope(CallEnded, tenantC, callEnded('call-bad')),
      payload: { callId: 'call-bad' },
    };
    await publishEnvelope(nats.jetstream, subject, bad);
    await publisher.publish(CallEnded, tenantC, callEnded('call-invalid'));
    await publishEnvelope(
      nats.jetstream,
      subject,
      createEnvelope(CallEnded, tenantA, callEnded('call-foreign')),
    );

    await waitFor('four dead letters', () =>
      outcomes.filter((o) => o === 'dead_lettered').length === 4 ? true : undefined,
    );
    await sleep(1_500); // longer than the back-off: a retry would show here
    expect(outcomes).toEqual(['dead_lettered', 'dead_lettered', 'dead_lettered', 'dead_lettered']);
    expect(handlerCalls).toBe(1);
    const info = await jsm.consumers.info(def.stream, def.durableName);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);

    const dlqInfo = await jsm.streams.info(dlq.name, { subjects_filter: '>' });
    expect(dlqInfo.state.subjects).toMatchObject({ [`dlq.${subject}`]: 4 });
    const reasons: string[] = [];
    for (let seq = dlqInfo.state.first_seq; seq <= dlqInfo.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(dlq.name, { seq });
      if (msg?.header.get(MessagingHeaders.DeadLetterConsumer) !== def.durableName) continue;
      expect(msg.header.get(MessagingHeaders.DeadLetterSubject)).toBe(subject);
      expect(msg.header.get(MessagingHeaders.DeadLetterStream)).toBe(telephony.name);
      reasons.push(msg.header.get(MessagingHeaders.DeadLetterReason));
    }
    expect(reasons).toEqual([
      expect.stringMatching(/^poison: PoisonMessageError: message body is not UTF-8 JSON/),
      expect.stringMatching(/^poison: EnvelopeValidationError: .*payload/),
      expect.stringMatching(/^poison: AppError: invalid_argument: unknown queue/),
      expect.stringMatching(/^poison: PoisonMessageError: envelope tenant .* does not match subject tenant/),
    ]);
  });

  it('(d) gives up on a failing handler after maxDeliver deliveries and dead-letters it', async () => {
    const subject = `cc.${tenantB}.telephony.call.ended`;
    const def = consumerDef('exhausted', subject, {
      maxDeliver: 3,
      backoffMs: [100, 200],
      deliverPolicy: 'new',
    });
    const deliveries: number[] = [];
    const outcomes = await start(def, [
      onEvent(CallEnded, (_envelope, ctx) => {
        deliveries.push(ctx.deliveryCount);
        return Promise.reject(new Error('crm is down'));
      }),
    ]);
    const published = await publisher.publish(CallEnded, tenantB, callEnded('call-down'));
    await waitFor('the dead letter', () => (outcomes.includes('dead_lettered') ? true : undefined));
    await sleep(800);
    expect(deliveries).toEqual([1, 2, 3]);
    expect(outcomes).toEqual(['retry', 'retry', 'dead_lettered']);
    const last = await jsm.streams.getMessage(dlq.name, { last_by_subj: `dlq.${subject}` });
    expect(last?.header.get(MessagingHeaders.DeadLetterReason)).toMatch(
      /^gave up after 3 deliveries: Error: crm is down/,
    );
    expect(last?.header.get(MessagingHeaders.DeadLetterDeliveries)).toBe('3');
    expect(JSON.parse(new TextDecoder().decode(last!.data))).toMatchObject({ id: published.envelope.id });
  });

  it('(e) retries a transient failure with back-off, then succeeds once', async () => {
    const def = consumerDef('transient', `cc.${tenantA}.acd.agent.state_changed`, {
      stream: acd.name,
      maxDeliver: 5,
      backoffMs: [150, 300],
    });
    const attempts: { delivery: number; at: number }[] = [];
    let effects = 0;
    const outcomes = await start(def, [
      onEvent(AgentStateChanged, (_envelope, ctx) => {
        attempts.push({ delivery: ctx.deliveryCount, at: Date.now() });
        if (ctx.deliveryCount < 3)
          return Promise.reject(new AppError(ErrorKind.Unavailable, 'database restarting'));
        effects += 1;
        return Promise.resolve();
      }),
    ]);
    await publisher.publish(AgentStateChanged, tenantA, {
      agentId: 'agent-1',
      from: 'available',
      to: 'on_call',
      durationMs: 5,
    });
    await waitFor('success', () => (outcomes.includes('acked') ? true : undefined));
    await sleep(500);
    expect(outcomes).toEqual(['retry', 'retry', 'acked']);
    expect(attempts.map((a) => a.delivery)).toEqual([1, 2, 3]);
    expect(effects).toBe(1);
    // The nak delays are the back-off steps (150 ms then 300 ms), not immediate redeliveries.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(140);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(290);
    // Acks are fire-and-forget: wait until the server has counted this one.
    await waitFor('the server to count the ack', async () =>
      (await jsm.consumers.info(def.stream, def.durableName)).num_ack_pending === 0 ? true : undefined,
    );
  });

  it('acknowledges facts it has no handler for without calling anything', async () => {
    const def = consumerDef('ignore', `cc.${tenantC}.telephony.>`, { deliverPolicy: 'new' });
    const outcomes = await start(def, [onEvent(CallEnded, () => Promise.resolve())]);
    // A fact of the same domain this consumer does not handle.
    const started = await publisher.publish(CallStarted, tenantC, {
      callId: 'call-s',
      direction: 'outbound',
      from: '+33612345678',
      to: '+33140000000',
    });
    expect(started.subject).toBe(subjectOf(CallStarted, tenantC));
    await waitFor('ignored', () => (outcomes.includes('ignored') ? true : undefined));
    expect(outcomes).toEqual(['ignored']);
    // Acks are fire-and-forget: wait until the server has counted this one.
    await waitFor('the server to count the ack', async () =>
      (await jsm.consumers.info(def.stream, def.durableName)).num_ack_pending === 0 ? true : undefined,
    );
  });
});
