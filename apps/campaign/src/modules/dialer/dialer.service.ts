import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppError, ErrorKind, parseOrThrow, TenantContext } from '@cc/platform';
import type { Campaign, Contact, Prisma } from '../../generated/prisma/client';
import { CampaignDatabase } from '../../infrastructure/campaign-database';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';
import { AttemptStarted, AttemptCompleted } from '../campaigns/campaign.events';
import { CadenceSchema, RestrictionsSchema, RetryRulesSchema } from '../campaigns/campaign.schema';
import { CampaignFacts } from '../campaigns/campaign-facts.publisher';
import { resolveCalleeZones } from '../compliance/callee-zones';
import { type CallingRestrictions, nextCallingTime } from '../compliance/calling-window.util';
import { gateDial } from '../compliance/dial-gate.util';
import { contactOrder, type PriorityKey } from '../contacts/contact-priority.util';
import { dueCadenceStep } from '../contacts/renewal-cadence.util';
import { DEFAULT_RETRY_RULES, type RetryRules } from '../contacts/retry-rules.util';
import type { PacingSnapshot } from '../pacing/pacing.types';
import { CampaignRuntimes, type CampaignRuntime } from './campaign-runtime';
import { contactAfterAttempt } from './contact-outcome.util';
import { DialerMetrics } from './dialer.metrics';
import { AgentAvailabilityPort, DoNotCallPort, OriginatePort } from './peers.port';

export const DIALER_OPTIONS = Symbol('DIALER_OPTIONS');

export interface DialerOptions {
  /** Pace every running campaign this often; 0 = no loop (tests call `tick()`). */
  intervalMs: number;
}

/** The dials of one tick, for tests and logs. */
export interface TickReport {
  campaignId: string;
  wanted: number;
  dialed: string[];
  blocked: { contactId: string; reason: string }[];
}

const MAX_CANDIDATES = 500;

/**
 * The dialer loop: for every running campaign, asks acd for its agents, lets the campaign's pacer say
 * how many to dial, takes the due contacts in priority order, checks each at dial time (crm's
 * do-not-call lists, the callee's calling window, caller id, attempts) and originates the allowed
 * ones through telephony. Refused dials are recorded for the compliance report, never placed.
 */
@Injectable()
export class DialerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dialer');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly database: CampaignDatabase,
    private readonly runtimes: CampaignRuntimes,
    private readonly agents: AgentAvailabilityPort,
    private readonly dnc: DoNotCallPort,
    private readonly telephony: OriginatePort,
    private readonly facts: CampaignFacts,
    private readonly clock: Clock,
    private readonly metrics: DialerMetrics,
    @Inject(DIALER_OPTIONS) private readonly options: DialerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.error(`dialer tick failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every running campaign of every tenant. */
  async tick(): Promise<TickReport[]> {
    const campaigns = await this.database.operator((tx) =>
      tx.campaign.findMany({ where: { state: 'running' } }),
    );
    const reports: TickReport[] = [];
    for (const campaign of campaigns) {
      try {
        reports.push(
          await TenantContext.run({ tenantId: campaign.tenantId }, () => this.paceCampaign(campaign)),
        );
      } catch (error) {
        // A peer down (acd, crm) skips this campaign's tick: never dial without the checks.
        this.logger.warn(`campaign ${campaign.id}: ${(error as Error).message}`);
      }
    }
    return reports;
  }

  private async paceCampaign(campaign: Campaign): Promise<TickReport> {
    const report: TickReport = { campaignId: campaign.id, wanted: 0, dialed: [], blocked: [] };
    const runtime = await this.runtimes.of(campaign);
    const now = this.clock.now();
    this.expireStaleDials(runtime, campaign, now);
    const agents = await this.agents.agentsOf(campaign.tenantId, campaign.queueId);
    const snapshot: PacingSnapshot = {
      agents,
      dialingElapsedSec: [...runtime.dialing.values()].map((t) => (now.getTime() - t) / 1000),
      waitingLiveAnswers: 0,
    };
    const available = agents.filter((a) => a.state === 'available').length;
    switch (campaign.mode) {
      case 'predictive': {
        const decision = runtime.pacer.decide(snapshot);
        this.metrics.riskBudget.set({ campaign: campaign.id }, decision.riskBudget);
        report.wanted = decision.dials;
        break;
      }
      case 'progressive':
        // One dial per available agent that no ringing dial is meant for (acd takes the answer).
        report.wanted = Math.max(0, available - runtime.dialing.size);
        break;
      default:
        // Preview: agents take a record (POST .../preview) and dial it (POST .../contacts/:id/dial).
        report.wanted = 0;
    }
    if (report.wanted === 0) return report;
    const candidates = await this.dueContacts(campaign, now);
    const restrictions = parseOrThrow(RestrictionsSchema, campaign.restrictions) as CallingRestrictions;
    const pool = candidates.slice(0, Math.max(report.wanted * 3, report.wanted + 10));
    const zones = new Map<string, string[]>();
    for (const c of pool)
      zones.set(c.contact.id, await resolveCalleeZones(c.contact.phone, c.contact.timeZone));
    const blocked = await this.dnc.blocked(
      campaign.tenantId,
      pool.map((c) => c.contact.phone),
      campaign.id,
    );
    for (const { contact, cadenceStep } of pool) {
      if (report.dialed.length >= report.wanted) break;
      const calleeZones = zones.get(contact.id) ?? [];
      const verdict = gateDial(
        {
          destination: contact.phone,
          callerId: campaign.callerId,
          calleeZones,
          doNotCall: blocked.has(contact.phone),
          attemptsMade: contact.attempts,
          maxAttempts: campaign.maxAttempts,
          restrictions,
        },
        now,
      );
      if (!verdict.allowed) {
        report.blocked.push({ contactId: contact.id, reason: verdict.reason });
        this.metrics.refused.inc({ reason: verdict.reason });
        await this.recordBlock(campaign, contact, verdict.reason, calleeZones, restrictions, now);
        continue;
      }
      const attemptId = await this.startAttempt(campaign, contact, calleeZones, cadenceStep, now);
      if (!attemptId) continue;
      runtime.dialing.set(attemptId, now.getTime());
      runtime.ledger.recordDial(now.getTime());
      report.dialed.push(contact.id);
      this.metrics.dials.inc({ mode: campaign.mode });
      await this.originate(campaign, contact, attemptId, runtime);
    }
    return report;
  }

  /**
   * Preview: hands the agent the next due contact (claimed for them: no other agent or dial gets it).
   * Undefined when none is due.
   */
  async nextPreview(campaignId: string, agentId: string): Promise<Contact | undefined> {
    const campaign = await this.previewCampaign(campaignId);
    const now = this.clock.now();
    for (const { contact } of await this.dueContacts(campaign, now)) {
      const claimed = await this.database.tenant((tx) =>
        tx.contact.updateMany({
          where: { id: contact.id, state: 'pending' },
          data: { state: 'previewing', lastOutcome: `previewed_by:${agentId}`.slice(0, 64) },
        }),
      );
      if (claimed.count === 1) return { ...contact, state: 'previewing' };
    }
    return undefined;
  }

  /**
   * Preview: the agent dials the record they were shown. The same checks as every dial, at this
   * moment (do-not-call, window, caller id, attempts); the call goes to this agent.
   */
  async dialPreviewed(
    campaignId: string,
    contactId: string,
    agentId: string,
  ): Promise<{ attemptId: string }> {
    const campaign = await this.previewCampaign(campaignId);
    const contact = await this.database.tenant((tx) =>
      tx.contact.findFirst({ where: { id: contactId, campaignId } }),
    );
    if (!contact) throw AppError.notFound('contact', contactId);
    if (contact.state !== 'previewing') {
      throw new AppError(
        ErrorKind.Conflict,
        `contact ${contactId} is ${contact.state}, not being previewed`,
        {
          code: 'campaign.contact_not_previewed',
        },
      );
    }
    const now = this.clock.now();
    const restrictions = parseOrThrow(RestrictionsSchema, campaign.restrictions) as CallingRestrictions;
    const calleeZones = await resolveCalleeZones(contact.phone, contact.timeZone);
    const blocked = await this.dnc.blocked(campaign.tenantId, [contact.phone], campaign.id);
    const verdict = gateDial(
      {
        destination: contact.phone,
        callerId: campaign.callerId,
        calleeZones,
        doNotCall: blocked.has(contact.phone),
        attemptsMade: contact.attempts,
        maxAttempts: campaign.maxAttempts,
        restrictions,
      },
      now,
    );
    if (!verdict.allowed) {
      this.metrics.refused.inc({ reason: verdict.reason });
      await this.recordBlock(campaign, contact, verdict.reason, calleeZones, restrictions, now);
      await this.database.tenant((tx) =>
        tx.contact.updateMany({ where: { id: contact.id, state: 'previewing' }, data: { state: 'pending' } }),
      );
      throw new AppError(ErrorKind.Conflict, `the dial was refused: ${verdict.reason}`, {
        code: `campaign.dial_refused.${verdict.reason}`,
      });
    }
    const runtime = await this.runtimes.of(campaign);
    const attemptId = await this.startAttempt(campaign, contact, calleeZones, undefined, now);
    if (!attemptId)
      throw new AppError(ErrorKind.Conflict, `contact ${contactId} was taken`, {
        code: 'campaign.contact_taken',
      });
    runtime.dialing.set(attemptId, now.getTime());
    runtime.ledger.recordDial(now.getTime());
    this.metrics.dials.inc({ mode: campaign.mode });
    await this.originate(campaign, contact, attemptId, runtime, agentId);
    return { attemptId };
  }

  private async previewCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await this.database.tenant((tx) => tx.campaign.findFirst({ where: { id: campaignId } }));
    if (!campaign) throw AppError.notFound('campaign', campaignId);
    if (campaign.mode !== 'preview' || campaign.state !== 'running') {
      throw new AppError(ErrorKind.Conflict, `campaign ${campaignId} is not a running preview campaign`, {
        code: 'campaign.not_previewing',
      });
    }
    return campaign;
  }

  /** Due contacts in the campaign's priority order (with their cadence step when it has a cadence). */
  private async dueContacts(
    campaign: Campaign,
    now: Date,
  ): Promise<{ contact: Contact; cadenceStep: number | undefined }[]> {
    const keys = campaign.priorityKeys as PriorityKey[];
    const orderBy: Prisma.ContactOrderByWithRelationInput[] = [];
    for (const key of keys) {
      if (key === 'lead_score') orderBy.push({ leadScore: { sort: 'desc', nulls: 'last' } });
      if (key === 'value_tier') orderBy.push({ valueTier: { sort: 'desc', nulls: 'last' } });
      if (key === 'due_date') orderBy.push({ dueAt: { sort: 'asc', nulls: 'last' } });
    }
    orderBy.push({ nextAttemptAt: { sort: 'asc', nulls: 'first' } }, { attempts: 'asc' }, { id: 'asc' });
    const contacts = await this.database.tenant((tx) =>
      tx.contact.findMany({
        where: {
          campaignId: campaign.id,
          state: 'pending',
          attempts: { lt: campaign.maxAttempts },
          OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
        },
        orderBy,
        take: MAX_CANDIDATES,
      }),
    );
    contacts.sort(contactOrder(keys));
    const cadence = campaign.cadence ? parseOrThrow(CadenceSchema, campaign.cadence) : undefined;
    const due: { contact: Contact; cadenceStep: number | undefined }[] = [];
    for (const contact of contacts) {
      if (!cadence) {
        due.push({ contact, cadenceStep: undefined });
        continue;
      }
      if (!contact.cadenceDate) continue;
      const step = dueCadenceStep(
        cadence.steps,
        contact.cadenceDate,
        now,
        cadence.zone,
        new Set(contact.cadenceDone),
      );
      if (step) due.push({ contact, cadenceStep: step.index });
    }
    return due;
  }

  /**
   * Claims the contact (pending -> dialing, so no second dial races it) and writes the attempt and
   * the ledger's dial in one transaction.
   */
  private async startAttempt(
    campaign: Campaign,
    contact: Contact,
    calleeZones: string[],
    cadenceStep: number | undefined,
    now: Date,
  ): Promise<string | undefined> {
    const attemptId = newId('att');
    return this.database.tenant(async (tx, tenantId) => {
      const claimed = await tx.contact.updateMany({
        where: { id: contact.id, state: { in: ['pending', 'previewing'] } },
        data: { state: 'dialing', attempts: { increment: 1 } },
      });
      if (claimed.count === 0) return undefined;
      await tx.attempt.create({
        data: {
          id: attemptId,
          tenantId,
          campaignId: campaign.id,
          contactId: contact.id,
          calleeZones,
          withinWindow: true,
          cadenceStep: cadenceStep ?? null,
          startedAt: now,
        },
      });
      await tx.ledgerEntry.create({
        data: { tenantId, campaignId: campaign.id, attemptId, kind: 'dial', occurredAt: now },
      });
      return attemptId;
    });
  }

  private async originate(
    campaign: Campaign,
    contact: Contact,
    attemptId: string,
    runtime: CampaignRuntime,
    agentId?: string,
  ): Promise<void> {
    try {
      const { callId } = await this.telephony.originate(campaign.tenantId, {
        attemptId,
        campaignId: campaign.id,
        contactId: contact.id,
        destination: contact.phone,
        callerId: campaign.callerId,
        trunkId: campaign.trunkId,
        queueId: campaign.queueId,
        ringTimeoutSeconds: campaign.ringTimeoutSeconds,
        ...(agentId ? { agentId } : {}),
      });
      await this.database.tenant((tx) =>
        tx.attempt.update({ where: { id: attemptId }, data: { callId, ...(agentId ? { agentId } : {}) } }),
      );
      await this.facts.publish(
        AttemptStarted,
        campaign.tenantId,
        { campaignId: campaign.id, attemptId, contactId: contact.id, callId, destination: contact.phone },
        `${attemptId}.started`,
      );
    } catch (error) {
      this.logger.warn(`attempt ${attemptId}: originate failed: ${(error as Error).message}`);
      runtime.dialing.delete(attemptId);
      await this.finishAttempt(campaign, contact.id, attemptId, 'failed', this.clock.now());
    }
  }

  /** Ends an attempt that never became a call (originate refused) and schedules the contact's retry. */
  private async finishAttempt(
    campaign: Campaign,
    contactId: string,
    attemptId: string,
    outcome: 'failed',
    now: Date,
  ): Promise<void> {
    await this.database.tenant(async (tx) => {
      const contact = await tx.contact.findFirst({ where: { id: contactId } });
      if (!contact) return;
      await tx.attempt.update({ where: { id: attemptId }, data: { state: 'failed', outcome, endedAt: now } });
      const after = contactAfterAttempt(
        outcome,
        contact.attempts,
        contact.outcomes as Record<string, number>,
        retryRulesOf(campaign),
        campaign.maxAttempts,
        now,
      );
      await tx.contact.update({
        where: { id: contactId },
        data: {
          state: after.state,
          nextAttemptAt: after.nextAttemptAt,
          outcomes: after.outcomes,
          lastOutcome: outcome,
        },
      });
    });
    await this.facts.publish(
      AttemptCompleted,
      campaign.tenantId,
      { campaignId: campaign.id, attemptId, contactId, outcome },
      `${attemptId}.completed`,
    );
  }

  private async recordBlock(
    campaign: Campaign,
    contact: Contact,
    reason: string,
    zones: string[],
    restrictions: CallingRestrictions,
    now: Date,
  ): Promise<void> {
    // Hours, weekdays and holidays pass: try again when the callee's window opens. The rest is final.
    const later =
      reason === 'outside_hours' || reason === 'weekday' || reason === 'holiday'
        ? (nextCallingTime(zones, now, restrictions) ?? null)
        : null;
    await this.database.tenant(async (tx, tenantId) => {
      await tx.dialBlock.create({
        data: {
          id: newId('blk'),
          tenantId,
          campaignId: campaign.id,
          contactId: contact.id,
          phone: contact.phone,
          reason,
          occurredAt: now,
        },
      });
      await tx.contact.update({
        where: { id: contact.id },
        data: later
          ? { nextAttemptAt: later }
          : { state: reason === 'attempts_exhausted' ? 'exhausted' : 'blocked', lastOutcome: reason },
      });
    });
  }

  /** A dial whose facts never came (telephony restarted) stops counting as in flight after 2 minutes. */
  private expireStaleDials(runtime: CampaignRuntime, campaign: Campaign, now: Date): void {
    const limit = now.getTime() - Math.max(120, campaign.ringTimeoutSeconds * 4) * 1000;
    for (const [id, at] of runtime.dialing) if (at < limit) runtime.dialing.delete(id);
  }
}

export function retryRulesOf(campaign: Campaign): RetryRules {
  return { ...DEFAULT_RETRY_RULES, ...parseOrThrow(RetryRulesSchema, campaign.retryRules) };
}
