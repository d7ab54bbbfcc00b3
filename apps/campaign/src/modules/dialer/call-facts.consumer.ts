import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  CallAbandoned,
  CallAnswered,
  CallEnded,
  type EventEnvelope,
  type PayloadOf,
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
import type { Attempt } from '../../generated/prisma/client';
import { type CampaignTx, CampaignDatabase } from '../../infrastructure/campaign-database';
import { Clock } from '../../infrastructure/clock';
import { AttemptAbandoned, AttemptAnswered, AttemptCompleted } from '../campaigns/campaign.events';
import { CampaignFacts } from '../campaigns/campaign-facts.publisher';
import type { AttemptOutcome } from '../contacts/retry-rules.util';
import { CampaignRuntimes } from './campaign-runtime';
import { contactAfterAttempt, outcomeOfCall } from './contact-outcome.util';
import { DialerMetrics } from './dialer.metrics';
import { retryRulesOf } from './dialer.service';

export const CALL_FACTS_CONSUMER = Symbol('CAMPAIGN_CALL_FACTS_CONSUMER');
export const CALL_FACTS_INBOX = 'campaign-call-facts';

export interface CallFactsConsumerOptions {
  definitions: ConsumerDefinition[];
  onOutcome?: (outcome: MessageOutcome) => void;
}

/** telephony's call facts (answered, abandoned, ended): one durable, or one per tenant in tests. */
export function callFactsConsumerDefinitions(
  streamPrefix = '',
  tenants?: readonly string[],
): ConsumerDefinition[] {
  const filters = tenants
    ? tenants.map((tenantId) => `${subjectFilters.tenant(tenantId).slice(0, -1)}telephony.call.*`)
    : [subjectFilters.type('telephony', 'call', '*')];
  return filters.map((filter, i) => ({
    stream: `${streamPrefix}CC_TELEPHONY`,
    durableName: tenants ? `${CALL_FACTS_INBOX}-${i}` : CALL_FACTS_INBOX,
    filterSubjects: [filter],
    ackWaitMs: 30_000,
    maxDeliver: 10,
    backoffMs: [500, 2_000, 5_000, 30_000],
    maxAckPending: 512,
    deliverPolicy: 'all',
    deadLetterStream: `${streamPrefix}CC_DLQ`,
  }));
}

/** A fact that arrived before what it builds on (the attempt's call id, the answer): try again. */
export class AttemptNotYetKnownError extends Error {}

type Effect = () => void;

/**
 * Records outcomes from call facts: a live answer bridged to an agent (CallAnswered) or abandoned
 * (CallAbandoned, any stage: the callee hanging up before the deadline counts too) goes into the ledger, CallEnded closes the attempt and
 * schedules the contact's retry by rule. Exactly-once effect: the inbox row (runOnce) and the writes
 * share one tenant transaction; the ledger's (attempt, kind) key is a second guard. Facts of calls
 * that are not campaign attempts are skipped.
 */
@Injectable()
export class CallFactsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CampaignCallFacts');
  private readonly running: RunningConsumer[] = [];
  private stopped = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly consumers: EventConsumerService,
    private readonly nats: NatsConnectionService,
    private readonly database: CampaignDatabase,
    private readonly runtimes: CampaignRuntimes,
    private readonly facts: CampaignFacts,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(CALL_FACTS_CONSUMER) private readonly options: CallFactsConsumerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of this.options.definitions) await this.start(definition);
  }

  async answered(envelope: EventEnvelope<PayloadOf<typeof CallAnswered>>): Promise<void> {
    const p = envelope.payload;
    if (p.direction !== 'outbound') return;
    await this.inTransaction(envelope.id, p.callId, async (tx, attempt) => {
      if (attempt.state !== 'dialing') return [];
      const occurredAt = new Date(envelope.occurredAt);
      const answeredAt = new Date(occurredAt.getTime() - p.waitMs);
      await tx.attempt.update({
        where: { id: attempt.id },
        data: { state: 'connected', agentId: p.agentId, answeredAt },
      });
      await this.ledger(tx, attempt, 'live_answer', occurredAt);
      return [
        () => this.liveAnswer(attempt, answeredAt, false),
        () =>
          void this.facts.publish(
            AttemptAnswered,
            attempt.tenantId,
            {
              campaignId: attempt.campaignId,
              attemptId: attempt.id,
              contactId: attempt.contactId,
              callId: p.callId,
              agentId: p.agentId,
            },
            `${attempt.id}.answered`,
          ),
      ];
    });
  }

  async abandoned(envelope: EventEnvelope<PayloadOf<typeof CallAbandoned>>): Promise<void> {
    const p = envelope.payload;
    // Any abandonment of an answered outbound call counts, also a callee who hung up before the
    // safe-harbour deadline (stage `queue`): no agent reached them in time (the conservative count).
    if (p.direction !== 'outbound') return;
    await this.inTransaction(envelope.id, p.callId, async (tx, attempt) => {
      if (attempt.state !== 'dialing') return [];
      const occurredAt = new Date(envelope.occurredAt);
      const answeredAt = new Date(occurredAt.getTime() - p.waitMs);
      await tx.attempt.update({ where: { id: attempt.id }, data: { state: 'abandoned', answeredAt } });
      await this.ledger(tx, attempt, 'live_answer', occurredAt);
      await this.ledger(tx, attempt, 'abandoned', occurredAt);
      return [
        () => this.liveAnswer(attempt, answeredAt, true),
        () =>
          void this.facts.publish(
            AttemptAbandoned,
            attempt.tenantId,
            {
              campaignId: attempt.campaignId,
              attemptId: attempt.id,
              contactId: attempt.contactId,
              callId: p.callId,
            },
            `${attempt.id}.abandoned`,
          ),
      ];
    });
  }

  async ended(envelope: EventEnvelope<PayloadOf<typeof CallEnded>>): Promise<void> {
    const p = envelope.payload;
    if (p.direction !== 'outbound') return;
    await this.inTransaction(envelope.id, p.callId, async (tx, attempt) => {
      if (attempt.state === 'ended' || attempt.state === 'failed') return [];
      if (attempt.state === 'dialing' && (p.agentId !== undefined || p.waitMs > 0)) {
        // The call was queued for an agent, so a person answered: its CallAnswered or CallAbandoned
        // (redelivered after this one) must reach the ledger first. Try again later.
        throw new AttemptNotYetKnownError(`call ${p.callId}: its answer is not recorded yet`);
      }
      const campaign = await tx.campaign.findFirst({ where: { id: attempt.campaignId } });
      const contact = await tx.contact.findFirst({ where: { id: attempt.contactId } });
      if (!campaign || !contact) return [];
      const outcome: AttemptOutcome = outcomeOfCall(attempt.state, p);
      const endedAt = new Date(p.endedAt);
      const wasLive = attempt.state === 'connected' || attempt.state === 'abandoned';
      await tx.attempt.update({ where: { id: attempt.id }, data: { state: 'ended', outcome, endedAt } });
      const after = contactAfterAttempt(
        outcome,
        contact.attempts,
        contact.outcomes as Record<string, number>,
        retryRulesOf(campaign),
        campaign.maxAttempts,
        endedAt,
      );
      // A cadence step served by a conversation is done; the contact waits for the next step.
      const cadenceDone =
        attempt.cadenceStep !== null && outcome !== 'abandoned' && wasLive
          ? [...new Set([...contact.cadenceDone, attempt.cadenceStep])]
          : contact.cadenceDone;
      const nextState =
        cadenceDone !== contact.cadenceDone && after.state === 'done' ? 'pending' : after.state;
      await tx.contact.update({
        where: { id: contact.id },
        data: {
          state: nextState,
          nextAttemptAt: after.nextAttemptAt,
          outcomes: after.outcomes,
          lastOutcome: outcome,
          cadenceDone,
        },
      });
      return [
        () => {
          const runtime = this.runtimes.peek(attempt.campaignId);
          if (!runtime) return;
          runtime.dialing.delete(attempt.id);
          if (!wasLive) runtime.stats.recordNoLiveAnswer();
          else if (p.talkMs > 0) runtime.stats.recordTalk(p.talkMs / 1000);
        },
        () =>
          void this.facts.publish(
            AttemptCompleted,
            attempt.tenantId,
            {
              campaignId: attempt.campaignId,
              attemptId: attempt.id,
              contactId: attempt.contactId,
              callId: p.callId,
              outcome,
            },
            `${attempt.id}.completed`,
          ),
      ];
    });
  }

  /** Runs the handler's writes once per fact; the in-memory effects only after a commit that ran them. */
  private async inTransaction(
    eventId: string,
    callId: string,
    fn: (tx: CampaignTx, attempt: Attempt) => Promise<Effect[]>,
  ): Promise<void> {
    const outcome = await this.database.tenant(async (tx) => {
      const attempt = await tx.attempt.findFirst({ where: { callId } });
      if (!attempt) {
        // Not ours, unless an attempt is still waiting for telephony's answer to carry this call id.
        const pending = await tx.attempt.count({
          where: {
            callId: null,
            state: 'dialing',
            startedAt: { gt: new Date(this.clock.now().getTime() - 60_000) },
          },
        });
        if (pending > 0) throw new AttemptNotYetKnownError(`call ${callId}: attempt not recorded yet`);
        return { ran: false as const };
      }
      return runOnce(prismaExecutor(tx), { consumer: CALL_FACTS_INBOX, eventId }, () => fn(tx, attempt));
    });
    if (outcome.ran) for (const effect of outcome.result) effect();
  }

  private async ledger(
    tx: CampaignTx,
    attempt: Attempt,
    kind: 'live_answer' | 'abandoned',
    at: Date,
  ): Promise<void> {
    await tx.ledgerEntry.createMany({
      data: [
        {
          tenantId: attempt.tenantId,
          campaignId: attempt.campaignId,
          attemptId: attempt.id,
          kind,
          occurredAt: at,
        },
      ],
      skipDuplicates: true,
    });
  }

  private liveAnswer(attempt: Attempt, answeredAt: Date, abandoned: boolean): void {
    this.metrics.liveAnswers.inc({ result: abandoned ? 'abandoned' : 'connected' });
    const runtime = this.runtimes.peek(attempt.campaignId);
    if (!runtime) return;
    runtime.dialing.delete(attempt.id);
    runtime.stats.recordLiveAnswer((answeredAt.getTime() - attempt.startedAt.getTime()) / 1000);
    runtime.ledger.recordLiveAnswer(answeredAt.getTime(), abandoned);
    runtime.pacer.onLiveAnswer(abandoned);
  }

  private async start(definition: ConsumerDefinition): Promise<void> {
    if (this.stopped) return;
    try {
      await ensureConsumer(await this.nats.jetstreamManager(), definition);
      this.running.push(
        await this.consumers.consume(
          definition,
          [
            onEvent(CallAnswered, (e) => this.answered(e)),
            onEvent(CallAbandoned, (e) => this.abandoned(e)),
            onEvent(CallEnded, (e) => this.ended(e)),
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
