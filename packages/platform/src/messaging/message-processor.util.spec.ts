import { ROOT_CONTEXT, SpanKind, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { CallAssigned, createEnvelope } from '@cc/contracts';
import { AppError, ErrorKind } from '../errors/app-error';
import { TenantContext } from '../tenancy/tenant-context';
import { EventRouter, onEvent, type EventHandlerRegistration } from './event-router.util';
import { MessageProcessor, type DeliveredMessage } from './message-processor.util';
import { MessagingHeaders } from './messaging.constant';
import { natsHeadersSetter } from './nats-headers.util';
import { RecentEventIds } from './recent-event-ids.util';
import type { ConsumerDefinition } from './stream-definition.type';

const SUBJECT = 'cc.t_acme.acd.call.assigned';
const consumer: ConsumerDefinition = {
  stream: 'CC_ACD',
  durableName: 'telephony_assignments',
  filterSubjects: ['cc.*.acd.call.assigned'],
  ackWaitMs: 30_000,
  maxDeliver: 3,
  backoffMs: [100, 1_000],
  deadLetterStream: 'CC_DLQ',
};
const publisherSpan = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

function fakeMessage(body: unknown, deliveryCount = 1, withTrace = true) {
  const hdrs = headers();
  hdrs.set('Nats-Msg-Id', 'original-id');
  hdrs.set(MessagingHeaders.TenantId, 't_acme');
  if (withTrace)
    propagation.inject(trace.setSpanContext(ROOT_CONTEXT, publisherSpan), hdrs, natsHeadersSetter);
  const settled: string[] = [];
  const msg: DeliveredMessage = {
    subject: SUBJECT,
    data: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
    headers: hdrs,
    info: { stream: 'CC_ACD', streamSequence: 42, deliveryCount, redelivered: deliveryCount > 1 },
    ack: () => void settled.push('ack'),
    nak: (millis?: number) => void settled.push(`nak:${millis}`),
    term: () => void settled.push('term'),
    working: () => undefined,
  };
  return { msg, settled };
}

const assigned = createEnvelope(CallAssigned, 't_acme', {
  callId: 'c1',
  queueId: 'q1',
  agentId: 'a1',
  fencingToken: '7',
  waitMs: 1_200,
});

describe('MessageProcessor', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const deadLetters: { subject: string; headers: MsgHdrs; msgId: string; body: string }[] = [];
  let failDeadLetter = false;
  const quiet = { warn: () => undefined, error: () => undefined };

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
  });
  beforeEach(() => {
    exporter.reset();
    deadLetters.length = 0;
    failDeadLetter = false;
  });

  function processor(handlers: EventHandlerRegistration[], recent = new RecentEventIds(10)) {
    return new MessageProcessor({
      consumer,
      router: new EventRouter(handlers),
      recent,
      logger: quiet,
      deadLetter: (subject, data, hdrs, msgId) => {
        if (failDeadLetter) return Promise.reject(new Error('no DLQ stream'));
        deadLetters.push({ subject, headers: hdrs, msgId, body: new TextDecoder().decode(data) });
        return Promise.resolve();
      },
    });
  }

  it('runs the handler in the tenant context and acks only after it resolved', async () => {
    const order: string[] = [];
    const { msg, settled } = fakeMessage(assigned);
    const ack = msg.ack;
    msg.ack = () => {
      order.push('ack');
      ack();
    };
    const outcome = await processor([
      onEvent(CallAssigned, async (envelope, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`handled:${TenantContext.require()}:${envelope.payload.agentId}:${ctx.deliveryCount}`);
      }),
    ]).process(msg);
    expect(outcome).toBe('acked');
    expect(order).toEqual(['handled:t_acme:a1:1', 'ack']);
    expect(settled).toEqual(['ack']);
  });

  it('starts a CONSUMER span that is a child of the publisher span in the headers', async () => {
    const { msg } = fakeMessage(assigned);
    await processor([onEvent(CallAssigned, () => Promise.resolve())]).process(msg);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe(`process ${SUBJECT}`);
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe(publisherSpan.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(publisherSpan.spanId);
    expect(span?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': SUBJECT,
      'messaging.message.id': assigned.id,
      'messaging.consumer.group.name': consumer.durableName,
      'messaging.nats.delivery_count': 1,
      'messaging.cc.outcome': 'acked',
      'cc.tenant_id': 't_acme',
    });
  });

  it('starts a new trace when the message carries none', async () => {
    const { msg } = fakeMessage(assigned, 1, false);
    await processor([onEvent(CallAssigned, () => Promise.resolve())]).process(msg);
    expect(exporter.getFinishedSpans()[0]?.parentSpanContext).toBeUndefined();
  });

  it('naks a transient failure with the back-off of its delivery', async () => {
    const fails = onEvent(CallAssigned, () => Promise.reject(new AppError(ErrorKind.Unavailable, 'db down')));
    const first = fakeMessage(assigned, 1);
    expect(await processor([fails]).process(first.msg)).toBe('retry');
    expect(first.settled).toEqual(['nak:100']);
    const second = fakeMessage(assigned, 2);
    expect(await processor([fails]).process(second.msg)).toBe('retry');
    expect(second.settled).toEqual(['nak:1000']);
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(2);
  });

  it('dead-letters and terms on the last allowed delivery', async () => {
    const { msg, settled } = fakeMessage(assigned, consumer.maxDeliver);
    const outcome = await processor([
      onEvent(CallAssigned, () => Promise.reject(new Error('still down'))),
    ]).process(msg);
    expect(outcome).toBe('dead_lettered');
    expect(settled).toEqual(['term']);
    expect(deadLetters).toHaveLength(1);
    const [dead] = deadLetters;
    expect(dead?.subject).toBe(`dlq.${SUBJECT}`);
    expect(dead?.msgId).toBe('dlq:telephony_assignments:CC_ACD:42');
    expect(dead?.headers.get(MessagingHeaders.DeadLetterReason)).toBe(
      'gave up after 3 deliveries: Error: still down',
    );
    expect(dead?.headers.get(MessagingHeaders.DeadLetterDeliveries)).toBe('3');
    expect(dead?.headers.get(MessagingHeaders.TenantId)).toBe('t_acme');
    // The original message id stays with the original stream.
    expect(dead?.headers.has('Nats-Msg-Id')).toBe(false);
    expect(JSON.parse(dead!.body)).toMatchObject({ id: assigned.id });
  });

  it('dead-letters poison at once: not JSON, bad payload, invalid_argument, failed_precondition', async () => {
    const refuse = (kind: ErrorKind) => onEvent(CallAssigned, () => Promise.reject(new AppError(kind, 'no')));
    const cases: [DeliveredMessage, EventHandlerRegistration][] = [
      [fakeMessage('not json').msg, refuse(ErrorKind.Internal)],
      [fakeMessage({ ...assigned, payload: { callId: 'c1' } }).msg, refuse(ErrorKind.Internal)],
      [fakeMessage(assigned).msg, refuse(ErrorKind.InvalidArgument)],
      [fakeMessage(assigned).msg, refuse(ErrorKind.FailedPrecondition)],
    ];
    for (const [msg, handler] of cases) expect(await processor([handler]).process(msg)).toBe('dead_lettered');
    expect(deadLetters.map((d) => d.headers.get(MessagingHeaders.DeadLetterReason))).toEqual([
      expect.stringMatching(/^poison: PoisonMessageError/),
      expect.stringMatching(/^poison: EnvelopeValidationError/),
      'poison: AppError: invalid_argument: no',
      'poison: AppError: failed_precondition: no',
    ]);
  });

  it('naks instead of dropping when the dead letter cannot be stored', async () => {
    failDeadLetter = true;
    const { msg, settled } = fakeMessage('not json');
    expect(await processor([]).process(msg)).toBe('dead_letter_failed');
    expect(settled).toEqual(['nak:100']);
  });

  it('acks without calling the handler for an event this instance already processed', async () => {
    const handle = jest.fn(() => Promise.resolve());
    const p = processor([onEvent(CallAssigned, handle)]);
    expect(await p.process(fakeMessage(assigned).msg)).toBe('acked');
    const again = fakeMessage(assigned, 2);
    expect(await p.process(again.msg)).toBe('duplicate');
    expect(again.settled).toEqual(['ack']);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('does not remember an event whose handler failed', async () => {
    let calls = 0;
    const p = processor([
      onEvent(CallAssigned, () => (++calls === 1 ? Promise.reject(new Error('once')) : Promise.resolve())),
    ]);
    expect(await p.process(fakeMessage(assigned, 1).msg)).toBe('retry');
    expect(await p.process(fakeMessage(assigned, 2).msg)).toBe('acked');
    expect(calls).toBe(2);
  });
});
