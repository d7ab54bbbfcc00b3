import { Injectable } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { CampaignDatabase } from '../../infrastructure/campaign-database';
import { Clock } from '../../infrastructure/clock';
import { REGULATORY_WINDOWS } from '../ledger/abandonment-ledger';

export interface ComplianceReport {
  campaignId: string;
  generatedAt: string;
  abandonLimit: number;
  windows: {
    window: string;
    dials: number;
    liveAnswers: number;
    abandoned: number;
    rate: number;
    withinLimit: boolean;
  }[];
  /** Attempts placed while the callee's window was closed: must be 0 (the dial gate refuses them). */
  callsOutsideHours: number;
  /** Dials the gate refused, by reason (do_not_call = DNC hits blocked). */
  blocked: Record<string, number>;
  dncHitsBlocked: number;
}

/** The per-campaign compliance report from the ledger, the attempts and the gate's refusals. */
@Injectable()
export class ComplianceReportService {
  constructor(
    private readonly database: CampaignDatabase,
    private readonly clock: Clock,
  ) {}

  async report(campaignId: string): Promise<ComplianceReport> {
    const now = this.clock.now();
    return this.database.tenant(async (tx) => {
      const campaign = await tx.campaign.findFirst({ where: { id: campaignId } });
      if (!campaign) throw AppError.notFound('campaign', campaignId);
      const windows = [];
      for (const w of REGULATORY_WINDOWS) {
        const since = new Date(now.getTime() - w.lengthMs);
        const grouped = await tx.ledgerEntry.groupBy({
          by: ['kind'],
          where: { campaignId, occurredAt: { gt: since, lte: now } },
          _count: { _all: true },
        });
        const count = (kind: string): number => grouped.find((g) => g.kind === kind)?._count._all ?? 0;
        const liveAnswers = count('live_answer');
        const abandoned = count('abandoned');
        const rate = liveAnswers > 0 ? abandoned / liveAnswers : 0;
        windows.push({
          window: w.name,
          dials: count('dial'),
          liveAnswers,
          abandoned,
          rate,
          withinLimit: rate <= campaign.abandonLimit,
        });
      }
      const callsOutsideHours = await tx.attempt.count({ where: { campaignId, withinWindow: false } });
      const blocks = await tx.dialBlock.groupBy({
        by: ['reason'],
        where: { campaignId },
        _count: { _all: true },
      });
      const blocked = Object.fromEntries(blocks.map((b) => [b.reason, b._count._all]));
      return {
        campaignId,
        generatedAt: now.toISOString(),
        abandonLimit: campaign.abandonLimit,
        windows,
        callsOutsideHours,
        blocked,
        dncHitsBlocked: blocked.do_not_call ?? 0,
      };
    });
  }
}
