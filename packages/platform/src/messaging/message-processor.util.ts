import { Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { TenantContext } from '../tenancy/tenant-context';
import { redeliveryDelayMs } from './backoff.util';
import { classifyFailure, failureReason } from './consumer-error.util';
import { decodeBody, type EventRouter, type MessageContext } from './event-router.util';
import {
  MESSAGING_SYSTEM_NATS,
  MESSAGING_TRACER_NAME,
  MessagingAttributes,
  MessagingHeaders,
  deadLetterSubject,
} from './messaging.constant';
import { natsHeadersGetter, natsHeadersSetter } from './nats-headers.util';
import type { RecentEventIds } from './recent-event-ids.util';
import type { ConsumerDefinition } from './stream-definition.type';

/** The part of a JetStream message the processor uses (a fake in unit tests). */
export type DeliveredMessage = Pick<
  JsMsg,
  'subject' | 'data' | 'headers' | 'ack' | 'nak' | 'term' | 'working'
> & {
  info: Pick<JsMsg['info'], 'stream' | 'streamSequence' | 'deliveryCount' | 'redelivered'>;
};

/** Publishes a dead letter; resolves once JetStream stored it. */
export type DeadLetterPublisher = (
  subject: string,
  data: Uint8Array,
  headers: MsgHdrs,
  msgId: string,
) => Promise<void>;

export type MessageOutcome =
  | 'acked'
  | 'ignored'
  | 'duplicate'
  | 'retry'
  | 'dead_lettered'
  /** Dead-lettering failed; the message is nak'ed and will come back. */
  | 'dead_letter_failed';

export interface MessageProcessorDeps {
  consumer: ConsumerDefinition;
  router: EventRouter;
  recent: RecentEventIds;
  deadLetter: DeadLetterPublisher;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Handles one delivered message: trace, parse, dispatch under the tenant, then settle it.
 * The message is acknowledged only after the handler resolved: a crash in between means a
 * redelivery, which the handler's inbox (`runOnce`) turns into a no-op.
 */
export class MessageProcessor {
  private readonly logger: Pick<Logger, 'warn' | 'error'>;

  constructor(private readonly deps: MessageProcessorDeps) {
    this.logger = deps.logger ?? new Logger(`Consumer ${deps.consumer.durableName}`);
  }

  async process(msg: DeliveredMessage): Promise<MessageOutcome> {
    const { consumer } = this.deps;
    const parent = propagation.extract(context.active(), msg.headers, natsHeadersGetter);
    const span = trace.getTracer(MESSAGING_TRACER_NAME).startSpan(
      `process ${msg.subject}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [MessagingAttributes.System]: MESSAGING_SYSTEM_NATS,
          [MessagingAttributes.DestinationName]: msg.subject,
          [MessagingAttributes.OperationName]: 'process',
          [MessagingAttributes.OperationType]: 'process',
          [MessagingAttributes.ConsumerGroupName]: consumer.durableName,
          [MessagingAttributes.MessageBodySize]: msg.data.byteLength,
          [MessagingAttributes.StreamName]: msg.info.stream,
          [MessagingAttributes.StreamSequence]: msg.info.streamSequence,
          [MessagingAttributes.DeliveryCount]: msg.info.deliveryCount,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    try {
      const outcome = await context.with(active, () => this.settle(msg, span));
      span.setAttribute(MessagingAttributes.Outcome, outcome);
      return outcome;
    } finally {
      span.end();
    }
  }

  private async settle(msg: DeliveredMessage, span: Span): Promise<MessageOutcome> {
    const { consumer, router, recent } = this.deps;
    let envelopeId: string | undefined;
    try {
      const routed = router.route(decodeBody(msg.data), msg.subject);
      envelopeId = routed.envelope.id;
      span.setAttributes({
        [MessagingAttributes.MessageId]: routed.envelope.id,
        [MessagingAttributes.TenantId]: routed.envelope.tenantId,
        [MessagingAttributes.EventType]: routed.envelope.type,
      });
      if (routed.kind === 'ignored') {
        msg.ack();
        return 'ignored';
      }
      if (recent.has(routed.envelope.id)) {
        msg.ack();
        return 'duplicate';
      }
      const messageContext: MessageContext = {
        subject: msg.subject,
        consumer: consumer.durableName,
        stream: msg.info.stream,
        streamSequence: msg.info.streamSequence,
        deliveryCount: msg.info.deliveryCount,
        redelivered: msg.info.redelivered,
      };
      await this.withProgressHeartbeat(msg, () =>
        TenantContext.run(
          { tenantId: routed.envelope.tenantId, actor: `consumer:${consumer.durableName}` },
          () => routed.run(messageContext),
        ),
      );
      recent.add(routed.envelope.id);
      msg.ack();
      return 'acked';
    } catch (error) {
      return this.fail(msg, span, error, envelopeId);
    }
  }

  private async fail(
    msg: DeliveredMessage,
    span: Span,
    error: unknown,
    envelopeId: string | undefined,
  ): Promise<MessageOutcome> {
    const { consumer } = this.deps;
    const reason = failureReason(error);
    span.recordException(error instanceof Error ? error : new Error(reason));
    span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    const disposition = classifyFailure(error);
    const exhausted = msg.info.deliveryCount >= consumer.maxDeliver;
    if (disposition === 'retry' && !exhausted) {
      const retryAfter =
        error instanceof Error && 'retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number'
          ? error.retryAfterSeconds
          : undefined;
      const delay = redeliveryDelayMs(msg.info.deliveryCount, consumer.backoffMs, retryAfter);
      this.logger.warn(
        `${msg.subject} seq ${msg.info.streamSequence} (event ${envelopeId ?? '?'}) failed on delivery ` +
          `${msg.info.deliveryCount}/${consumer.maxDeliver}, retrying in ${delay} ms: ${reason}`,
      );
      msg.nak(delay);
      return 'retry';
    }
    const why =
      disposition === 'retry'
        ? `gave up after ${msg.info.deliveryCount} deliveries: ${reason}`
        : `poison: ${reason}`;
    try {
      await this.deadLetter(msg, why);
    } catch (dlqError) {
      // Never drop a message we could not park: let it come back and try again.
      this.logger.error(
        `dead-lettering ${msg.subject} seq ${msg.info.streamSequence} failed: ${failureReason(dlqError)}`,
      );
      msg.nak(redeliveryDelayMs(msg.info.deliveryCount, consumer.backoffMs));
      return 'dead_letter_failed';
    }
    this.logger.error(
      `${msg.subject} seq ${msg.info.streamSequence} (event ${envelopeId ?? '?'}) dead-lettered: ${why}`,
    );
    // No term reason: nats-server < 2.11 does not recognise `+TERM <reason>` as a term, and the
    // reason is in the dead letter anyway.
    msg.term();
    return 'dead_lettered';
  }

  private async deadLetter(msg: DeliveredMessage, reason: string): Promise<void> {
    const { consumer } = this.deps;
    const headers = natsHeaders();
    if (msg.headers) {
      for (const [key, values] of msg.headers) {
        // Nats-* headers (the original message id among them) belong to the original stream.
        if (/^nats-/i.test(key) || /^(traceparent|tracestate)$/i.test(key)) continue;
        for (const value of values) headers.append(key, value);
      }
    }
    // The dead letter continues the trace of the failed processing.
    propagation.inject(context.active(), headers, natsHeadersSetter);
    headers.set(MessagingHeaders.DeadLetterReason, reason.replace(/[\r\n]+/g, ' ').slice(0, 1024));
    headers.set(MessagingHeaders.DeadLetterConsumer, consumer.durableName);
    headers.set(MessagingHeaders.DeadLetterStream, msg.info.stream);
    headers.set(MessagingHeaders.DeadLetterSequence, String(msg.info.streamSequence));
    headers.set(MessagingHeaders.DeadLetterDeliveries, String(msg.info.deliveryCount));
    headers.set(MessagingHeaders.DeadLetterSubject, msg.subject);
    // One dead letter per (consumer, original message), however often we get here.
    const msgId = `dlq:${consumer.durableName}:${msg.info.stream}:${msg.info.streamSequence}`;
    await this.deps.deadLetter(deadLetterSubject(msg.subject), msg.data, headers, msgId);
  }

  /** Tells the server the handler is still working, so a slow handler is not redelivered meanwhile. */
  private async withProgressHeartbeat<T>(msg: DeliveredMessage, fn: () => Promise<T>): Promise<T> {
    const { ackWaitMs, backoffMs = [] } = this.deps.consumer;
    // With back-off steps the server redelivers after those instead of the ack wait.
    const every = Math.max(250, Math.floor(Math.min(ackWaitMs, ...backoffMs) / 2));
    const timer = setInterval(() => msg.working(), every);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }
}
