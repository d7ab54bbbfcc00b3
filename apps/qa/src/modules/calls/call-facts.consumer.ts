import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  CallEnded,
  CallQueued,
  type EventEnvelope,
  type PayloadOf,
  RecordingReady,
  SUBJECT_ROOT,
  subjectFilters,
} from '@cc/contracts';
import {
  type ConsumerDefinition,
  ensureConsumer,
  EventConsumerService,
  type MessageOutcome,
  NatsConnectionService,
  onEvent,
  prismaExecutor,
  runOnce,
  type RunningConsumer,
} from '@cc/platform';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { QaDatabase, type QaTx } from '../../infrastructure/qa-database';
import { QaMetrics } from '../../infrastructure/qa-metrics';
import { type CallFactOutcome, CallFactsService } from './call-facts.service';

export const CALL_FACTS_CONSUMER = Symbol('QA_CALL_FACTS_CONSUMER');

export interface CallFactsConsumerOptions {
  /** One durable in production; one per tenant where streams are restricted to tenants (tests). */
  definitions: ConsumerDefinition[];
  /** Observes each message's outcome (metrics, tests). */
  onOutcome?: (outcome: MessageOutcome) => void;
}

/** The inbox name of the call-facts consumer (shared by its durables). */
export const CALL_FACTS_INBOX = 'qa-call-facts';

/**
 * The durable(s) that read telephony's facts: one filter over the whole telephony domain, so that
 * a call's facts (queued, ended, recording ready) are handled in the order telephony published
 * them; facts qa has no handler for are acknowledged and skipped. Where the stream holds only some
 * tenants' subjects (test suites sharing one NATS), one durable per tenant, because nats-server
 * 2.9 allows one filter subject per consumer and it must lie inside the stream's subjects.
 */
export function callFactsConsumerDefinitions(
  streamPrefix = '',
  tenants?: readonly string[],
): ConsumerDefinition[] {
  const filters = tenants
    ? tenants.map((tenantId) => `${SUBJECT_ROOT}.${tenantId}.telephony.>`)
    : [subjectFilters.domain('telephony')];
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

/**
 * Consumes call facts into calls, automatic checks and sampled work items. Exactly-once effect
 * over at-least-once delivery: the inbox row (runOnce) and every effect of a fact are one tenant
 * transaction, and the kit acks only after it commits. Until telephony has created its stream, the
 * consumer retries in the background instead of failing start-up.
 */
@Injectable()
export class CallFactsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QaCallFactsConsumer');
  private readonly running: RunningConsumer[] = [];
  private stopped = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly consumers: EventConsumerService,
    private readonly nats: NatsConnectionService,
    private readonly database: QaDatabase,
    private readonly facts: CallFactsService,
    private readonly metrics: QaMetrics,
    @Inject(CALL_FACTS_CONSUMER) private readonly options: CallFactsConsumerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of this.options.definitions) await this.start(definition);
  }

  /** Handles one call.ended (exposed for tests of the handler alone). */
  async handleEnded(
    envelope: EventEnvelope<PayloadOf<typeof CallEnded>>,
  ): Promise<CallFactOutcome | undefined> {
    const outcome = await this.once(envelope, (tx, tenantId) =>
      this.facts.callEnded(tx, tenantId, envelope.payload),
    );
    if (outcome) this.metrics.scored(outcome.checks, outcome.sampledFor);
    return outcome;
  }

  handleQueued(envelope: EventEnvelope<PayloadOf<typeof CallQueued>>): Promise<void | undefined> {
    return this.once(envelope, (tx, tenantId) => this.facts.callQueued(tx, tenantId, envelope.payload));
  }

  async handleRecording(
    envelope: EventEnvelope<PayloadOf<typeof RecordingReady>>,
  ): Promise<CallFactOutcome | undefined> {
    const outcome = await this.once(envelope, (tx, tenantId) =>
      this.facts.recordingReady(tx, tenantId, envelope.payload),
    );
    // Check results are counted once per call, at its end; a late failure only adds a reason.
    if (outcome) this.metrics.scored([], outcome.sampledFor);
    return outcome;
  }

  private async once<T>(
    envelope: EventEnvelope,
    effect: (tx: QaTx, tenantId: string) => Promise<T>,
  ): Promise<T | undefined> {
    const outcome = await this.database.tenant((tx, tenantId) =>
      runOnce(prismaExecutor(tx), { consumer: CALL_FACTS_INBOX, eventId: envelope.id }, () =>
        effect(tx, tenantId),
      ),
    );
    return outcome.ran ? outcome.result : undefined;
  }

  private async start(definition: ConsumerDefinition): Promise<void> {
    if (this.stopped) return;
    try {
      await ensureConsumer(await this.nats.jetstreamManager(), definition);
      this.running.push(
        await this.consumers.consume(
          definition,
          [
            onEvent(CallEnded, async (envelope) => void (await this.handleEnded(envelope))),
            onEvent(CallQueued, (envelope) => this.handleQueued(envelope).then(() => undefined)),
            onEvent(RecordingReady, async (envelope) => void (await this.handleRecording(envelope))),
          ],
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
