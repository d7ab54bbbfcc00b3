import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CallEnded, type EventEnvelope, factSubject, type PayloadOf, subjectFilters } from '@cc/contracts';
import {
  type ConsumerDefinition,
  EventConsumerService,
  type MessageOutcome,
  NatsConnectionService,
  onEvent,
  prismaExecutor,
  runOnce,
  type RunningConsumer,
  ensureConsumer,
} from '@cc/platform';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { CrmDatabase } from '../../infrastructure/crm-database';
import type { RecordInteractionCommand } from './interaction.model';
import { InteractionsService } from './interactions.service';

export const CALL_FACTS_CONSUMER = Symbol('CALL_FACTS_CONSUMER');

export interface CallFactsConsumerOptions {
  /** One durable in production; one per tenant where streams are restricted to tenants (tests). */
  definitions: ConsumerDefinition[];
  /** Observes each message's outcome (metrics, tests). */
  onOutcome?: (outcome: MessageOutcome) => void;
}

/** The inbox name of the call-facts consumer (shared by its durables). */
export const CALL_FACTS_INBOX = 'crm-call-facts';

/**
 * The durable(s) that turn telephony's call facts into interactions: `cc.*.telephony.call.ended`,
 * or, when the stream holds only some tenants' subjects (test suites sharing one NATS), one durable
 * per tenant, because nats-server 2.9 allows one filter subject per consumer and it must lie inside
 * the stream's subjects.
 */
export function callFactsConsumerDefinitions(
  streamPrefix = '',
  tenants?: readonly string[],
): ConsumerDefinition[] {
  const filters = tenants
    ? tenants.map((tenantId) => factSubject({ tenantId, domain: 'telephony', entity: 'call', verb: 'ended' }))
    : [subjectFilters.type('telephony', 'call', 'ended')];
  return filters.map((filter, i) => ({
    stream: `${streamPrefix}CC_TELEPHONY`,
    durableName: tenants ? `${CALL_FACTS_INBOX}-${i}` : CALL_FACTS_INBOX,
    filterSubjects: [filter],
    ackWaitMs: 30_000,
    maxDeliver: 10,
    backoffMs: [1_000, 5_000, 30_000],
    maxAckPending: 256,
    deliverPolicy: 'all',
    deadLetterStream: `${streamPrefix}CC_DLQ`,
  }));
}

/** A CallEnded fact as the interaction it records (pure; the fact's id is the idempotency key). */
export function interactionFromCallEnded(
  envelope: EventEnvelope<PayloadOf<typeof CallEnded>>,
): RecordInteractionCommand {
  const p = envelope.payload;
  const customerNumber = p.direction === 'inbound' ? p.from : p.to;
  return {
    eventId: envelope.id,
    ...(p.customerId ? { customerId: p.customerId } : {}),
    ...(customerNumber ? { phoneNumber: customerNumber } : {}),
    channel: 'call',
    direction: p.direction,
    callId: p.callId,
    ...(p.queueId ? { queueId: p.queueId } : {}),
    ...(p.agentId ? { agentId: p.agentId } : {}),
    ...(p.campaignId ? { campaignId: p.campaignId } : {}),
    waitMs: p.waitMs,
    talkMs: p.talkMs,
    holdMs: p.holdMs,
    ...(p.disposition ? { disposition: p.disposition } : {}),
    ...(p.recordingId ? { recordingRef: p.recordingId } : {}),
    occurredAt: new Date(p.startedAt),
    startedAt: new Date(p.startedAt),
    endedAt: new Date(p.endedAt),
  };
}

/**
 * Consumes call facts into interactions. Exactly-once effect over at-least-once delivery: the inbox
 * row (runOnce) and the interaction are written in one tenant transaction, and the kit acks only
 * after it commits; the interaction's unique (tenant, event id) is a second guard. Until telephony
 * has created its stream, the consumer retries in the background instead of failing start-up.
 */
@Injectable()
export class CallFactsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CallFactsConsumer');
  private readonly running: RunningConsumer[] = [];
  private stopped = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly consumers: EventConsumerService,
    private readonly nats: NatsConnectionService,
    private readonly database: CrmDatabase,
    private readonly interactions: InteractionsService,
    @Inject(CALL_FACTS_CONSUMER) private readonly options: CallFactsConsumerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of this.options.definitions) await this.start(definition);
  }

  /** Handles one CallEnded (exposed for the consumer and for tests of the handler alone). */
  async handle(envelope: EventEnvelope<PayloadOf<typeof CallEnded>>): Promise<void> {
    const command = interactionFromCallEnded(envelope);
    await this.database.tenant((tx, tenantId) =>
      runOnce(prismaExecutor(tx), { consumer: CALL_FACTS_INBOX, eventId: envelope.id }, () =>
        this.interactions.recordInTx(tx, tenantId, command),
      ),
    );
  }

  private async start(definition: ConsumerDefinition): Promise<void> {
    if (this.stopped) return;
    try {
      await ensureConsumer(await this.nats.jetstreamManager(), definition);
      this.running.push(
        await this.consumers.consume(
          definition,
          [onEvent(CallEnded, (envelope) => this.handle(envelope))],
          this.options.onOutcome ? { onOutcome: this.options.onOutcome } : {},
        ),
      );
      this.logger.log(`consuming ${definition.stream} as ${definition.durableName}`);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
        this.logger.warn(`stream ${definition.stream} does not exist yet; retrying in 5 s`);
      } else {
        this.logger.error(
          `starting consumer ${definition.durableName} failed: ${(error as Error).message}; retrying in 5 s`,
        );
      }
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        void this.start(definition);
      }, 5_000);
      timer.unref();
      this.retryTimers.add(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.all(this.running.map((r) => r.stop()));
  }
}
