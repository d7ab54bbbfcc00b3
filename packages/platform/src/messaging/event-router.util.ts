import {
  parseAnyEnvelope,
  parseEnvelope,
  parseFactSubject,
  type EventDefinition,
  type EventEnvelope,
  type PayloadOf,
} from '@cc/contracts';
import { PoisonMessageError } from './consumer-error.util';

/** Where and how a message arrived, for handlers that care (logging, metrics, redelivery-aware code). */
export interface MessageContext {
  subject: string;
  consumer: string;
  stream: string;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  redelivered: boolean;
}

export type EventHandler<D extends EventDefinition> = (
  envelope: EventEnvelope<PayloadOf<D>>,
  context: MessageContext,
) => Promise<void>;

export interface EventHandlerRegistration {
  readonly definition: EventDefinition;
  readonly handle: (envelope: EventEnvelope, context: MessageContext) => Promise<void>;
}

/** Binds a handler to one event definition, keeping the payload type. */
export function onEvent<D extends EventDefinition>(
  definition: D,
  handler: EventHandler<D>,
): EventHandlerRegistration {
  return {
    definition,
    handle: (envelope, context) => handler(envelope as EventEnvelope<PayloadOf<D>>, context),
  };
}

export type RoutedMessage =
  | { kind: 'handle'; envelope: EventEnvelope; run: (context: MessageContext) => Promise<void> }
  /** A valid fact this consumer has no handler for: acknowledged and skipped. */
  | { kind: 'ignored'; envelope: EventEnvelope };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes a message body as JSON; a body that is not is poison. */
export function decodeBody(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch (error) {
    throw new PoisonMessageError(`message body is not UTF-8 JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Dispatches envelopes by `type` to the handler registered for that event definition. Parsing
 * throws `EnvelopeValidationError` (poison) on a malformed envelope or payload.
 */
export class EventRouter {
  private readonly byType = new Map<string, EventHandlerRegistration>();

  constructor(registrations: readonly EventHandlerRegistration[]) {
    for (const registration of registrations) {
      const type = registration.definition.type;
      if (this.byType.has(type)) throw new Error(`two handlers registered for ${type}`);
      this.byType.set(type, registration);
    }
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  /**
   * @param subject the NATS subject it arrived on: its tenant must be the envelope's, or someone
   *   published a fact under another tenant's subject.
   */
  route(raw: unknown, subject: string): RoutedMessage {
    const any = parseAnyEnvelope(raw);
    const parts = parseFactSubject(subject);
    if (parts && parts.tenantId !== any.tenantId) {
      throw new PoisonMessageError(
        `envelope tenant ${any.tenantId} does not match subject tenant ${parts.tenantId}`,
      );
    }
    const registration = this.byType.get(any.type);
    if (!registration) return { kind: 'ignored', envelope: any };
    const envelope: EventEnvelope = parseEnvelope(registration.definition, raw);
    return { kind: 'handle', envelope, run: (context) => registration.handle(envelope, context) };
  }
}
