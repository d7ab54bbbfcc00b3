import { Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import {
  createEnvelope,
  subjectFilters,
  subjectOf,
  type EventDefinition,
  type EventEnvelope,
  type PayloadOf,
} from '@cc/contracts';
import {
  MESSAGING_SYSTEM_NATS,
  MESSAGING_TRACER_NAME,
  MessagingAttributes,
  MessagingHeaders,
} from './messaging.constant';
import { natsHeadersSetter } from './nats-headers.util';
import { NatsConnectionService } from './nats-connection.service';

export interface PublishOptions {
  /** A stable id makes a retried publish a duplicate JetStream drops (within the duplicate window). */
  id?: string;
  occurredAt?: Date | string;
  /** Publish-ack timeout; the connection's request timeout by default. */
  timeoutMs?: number;
}

export interface PublishResult<P = unknown> {
  envelope: EventEnvelope<P>;
  subject: string;
  stream: string;
  seq: number;
  /** True when JetStream already held a message with this id: nothing new was stored. */
  duplicate: boolean;
}

const encoder = new TextEncoder();

/** Publishes an already built envelope (re-publishing, relays, tests of de-duplication). */
export async function publishEnvelope(
  js: JetStreamClient,
  subject: string,
  envelope: EventEnvelope,
  opts: { timeoutMs?: number } = {},
): Promise<PubAck> {
  const tracer = trace.getTracer(MESSAGING_TRACER_NAME);
  const body = encoder.encode(JSON.stringify(envelope));
  const span = tracer.startSpan(
    `publish ${subject}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MessagingAttributes.System]: MESSAGING_SYSTEM_NATS,
        [MessagingAttributes.DestinationName]: subject,
        [MessagingAttributes.DestinationTemplate]: subjectFilters.type(...typeParts(envelope.type)),
        [MessagingAttributes.OperationName]: 'publish',
        [MessagingAttributes.OperationType]: 'send',
        [MessagingAttributes.MessageId]: envelope.id,
        [MessagingAttributes.MessageBodySize]: body.byteLength,
        [MessagingAttributes.TenantId]: envelope.tenantId,
        [MessagingAttributes.EventType]: envelope.type,
      },
    },
    context.active(),
  );
  const headers: MsgHdrs = natsHeaders();
  // The consumer's span becomes a child of this publish span, not of whatever was active before.
  propagation.inject(trace.setSpan(context.active(), span), headers, natsHeadersSetter);
  headers.set(MessagingHeaders.TenantId, envelope.tenantId);
  headers.set(MessagingHeaders.EventType, envelope.type);
  try {
    // msgID sets the `Nats-Msg-Id` header: JetStream drops a repeat inside the duplicate window.
    const ack = await js.publish(subject, body, {
      msgID: envelope.id,
      headers,
      ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
    });
    span.setAttributes({
      [MessagingAttributes.StreamName]: ack.stream,
      [MessagingAttributes.StreamSequence]: ack.seq,
      [MessagingAttributes.Duplicate]: ack.duplicate,
    });
    return ack;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

function typeParts(type: string): [string, string, string] {
  const [domain = '', entity = '', verb = ''] = type.split('.');
  return [domain, entity, verb];
}

/**
 * Publishes facts to JetStream: validates the payload into an envelope (a bad payload throws
 * `EnvelopeValidationError` and never reaches the wire), then publishes it on its subject with the
 * envelope id as the JetStream message id, and the trace context in the headers.
 */
@Injectable()
export class EventPublisher {
  constructor(private readonly nats: NatsConnectionService) {}

  async publish<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    opts: PublishOptions = {},
  ): Promise<PublishResult<PayloadOf<D>>> {
    const envelope = createEnvelope(definition, tenantId, payload, {
      ...(opts.id === undefined ? {} : { id: opts.id }),
      ...(opts.occurredAt === undefined ? {} : { occurredAt: opts.occurredAt }),
    });
    const subject = subjectOf(definition, tenantId);
    const ack = await publishEnvelope(this.nats.jetstream, subject, envelope, opts);
    return { envelope, subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
  }
}
