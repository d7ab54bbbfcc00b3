import { Injectable } from '@nestjs/common';
import type { Campaign } from '../../generated/prisma/client';
import { CampaignDatabase } from '../../infrastructure/campaign-database';
import { Clock } from '../../infrastructure/clock';
import { AbandonmentLedger, THIRTY_DAYS } from '../ledger/abandonment-ledger';
import { DEFAULT_PACING_PRIOR, PacingStatistics } from '../pacing/pacing-statistics';
import { DEFAULT_PREDICTIVE, PredictivePacer } from '../pacing/predictive.pacer';

/** What the dialer keeps in memory per running campaign: its model, ledger, pacer and dials in flight. */
export class CampaignRuntime {
  readonly stats: PacingStatistics;
  readonly ledger = new AbandonmentLedger();
  readonly pacer: PredictivePacer;
  /** Attempts ringing: id -> dialed at (ms). */
  readonly dialing = new Map<string, number>();

  constructor(
    readonly campaignId: string,
    abandonLimit: number,
    ringTimeoutSeconds: number,
    clock: Clock,
  ) {
    this.stats = new PacingStatistics({ ...DEFAULT_PACING_PRIOR, giveUpSec: ringTimeoutSeconds });
    this.pacer = new PredictivePacer(
      () => this.stats.model(),
      () => this.ledger.allCounts(clock.now().getTime()),
      { ...DEFAULT_PREDICTIVE, guard: { ...DEFAULT_PREDICTIVE.guard, limit: abandonLimit } },
    );
  }
}

/**
 * The runtimes of the campaigns this replica dials, each hydrated once from Postgres (the last 30
 * days of its ledger, its attempts still ringing). One replica dials a campaign: with several, a
 * per-campaign lease must decide which (not built yet).
 */
@Injectable()
export class CampaignRuntimes {
  private readonly runtimes = new Map<string, CampaignRuntime>();

  constructor(
    private readonly database: CampaignDatabase,
    private readonly clock: Clock,
  ) {}

  /** The runtime of `campaign` (in the current tenant's context). */
  async of(campaign: Campaign): Promise<CampaignRuntime> {
    const known = this.runtimes.get(campaign.id);
    if (known) return known;
    const runtime = new CampaignRuntime(
      campaign.id,
      campaign.abandonLimit,
      campaign.ringTimeoutSeconds,
      this.clock,
    );
    const now = this.clock.now();
    await this.database.tenant(async (tx) => {
      const entries = await tx.ledgerEntry.findMany({
        where: {
          campaignId: campaign.id,
          occurredAt: { gt: new Date(now.getTime() - THIRTY_DAYS.lengthMs) },
        },
        orderBy: { occurredAt: 'asc' },
      });
      const abandoned = new Set(entries.filter((e) => e.kind === 'abandoned').map((e) => e.attemptId));
      for (const e of entries) {
        if (e.kind === 'dial') runtime.ledger.recordDial(e.occurredAt.getTime());
        if (e.kind === 'live_answer')
          runtime.ledger.recordLiveAnswer(e.occurredAt.getTime(), abandoned.has(e.attemptId));
      }
      const ringing = await tx.attempt.findMany({
        where: {
          campaignId: campaign.id,
          state: 'dialing',
          startedAt: { gt: new Date(now.getTime() - 120_000) },
        },
      });
      for (const a of ringing) runtime.dialing.set(a.id, a.startedAt.getTime());
    });
    // Another tick may have built it meanwhile: keep the first.
    const raced = this.runtimes.get(campaign.id);
    if (raced) return raced;
    this.runtimes.set(campaign.id, runtime);
    return runtime;
  }

  /** The runtime if this replica has one (facts for campaigns it does not dial change only Postgres). */
  peek(campaignId: string): CampaignRuntime | undefined {
    return this.runtimes.get(campaignId);
  }

  forget(campaignId: string): void {
    this.runtimes.delete(campaignId);
  }
}
