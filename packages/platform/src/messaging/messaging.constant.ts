/** NATS header names the kit writes and reads, beside the W3C `traceparent` / `tracestate`. */
export const MessagingHeaders = {
  /** The tenant of the fact, so routers and tools can filter without parsing the body. */
  TenantId: 'cc-tenant-id',
  /** The envelope `type` (`<domain>.<entity>.<verb>`). */
  EventType: 'cc-event-type',
  /** Dead-letter metadata: why the message was given up, and where it came from. */
  DeadLetterReason: 'cc-dlq-reason',
  DeadLetterConsumer: 'cc-dlq-consumer',
  DeadLetterStream: 'cc-dlq-stream',
  DeadLetterSequence: 'cc-dlq-stream-seq',
  DeadLetterDeliveries: 'cc-dlq-deliveries',
  DeadLetterSubject: 'cc-dlq-original-subject',
} as const;

/** Dead letters live under `dlq.<original subject>`, outside the `cc.>` fact tree. */
export const DEAD_LETTER_ROOT = 'dlq';

export function deadLetterSubject(originalSubject: string): string {
  return `${DEAD_LETTER_ROOT}.${originalSubject}`;
}

/**
 * Messaging semantic-convention attribute names. The OpenTelemetry docs advise copying "incubating"
 * names rather than importing them from `@opentelemetry/semantic-conventions/incubating`, whose
 * exports may change between minor versions.
 */
export const MessagingAttributes = {
  System: 'messaging.system',
  DestinationName: 'messaging.destination.name',
  DestinationTemplate: 'messaging.destination.template',
  OperationName: 'messaging.operation.name',
  OperationType: 'messaging.operation.type',
  MessageId: 'messaging.message.id',
  MessageBodySize: 'messaging.message.body.size',
  ConsumerGroupName: 'messaging.consumer.group.name',
  // Not in the conventions: JetStream specifics we want next to the span.
  StreamName: 'messaging.nats.stream',
  StreamSequence: 'messaging.nats.stream_sequence',
  DeliveryCount: 'messaging.nats.delivery_count',
  Duplicate: 'messaging.nats.duplicate',
  Outcome: 'messaging.cc.outcome',
  TenantId: 'cc.tenant_id',
  EventType: 'cc.event_type',
} as const;

export const MESSAGING_SYSTEM_NATS = 'nats';
export const MESSAGING_TRACER_NAME = '@cc/platform/messaging';
