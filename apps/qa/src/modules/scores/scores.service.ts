import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { Clock } from '../../infrastructure/clock';
import { QaDatabase, type QaTx } from '../../infrastructure/qa-database';
import { EvaluationsRepository } from '../evaluations/evaluations.repository';
import { QaFactsOutbox } from '../facts/qa-facts.outbox';
import { RefIdSchema } from '../settings/qa-settings.model';
import { QaSettingsRepository } from '../settings/qa-settings.repository';
import { type PeriodScore, rollingScore, scoresOverTime } from './agent-scores.util';

export const ScoresQuerySchema = z
  .object({
    period: z.enum(['day', 'week', 'month']).default('week'),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const AgentProfileSchema = z
  .object({
    teamId: RefIdSchema.nullable().optional(),
    /** The agent's first day: calls before startedAt + newAgentDays are all sampled. */
    startedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export interface AgentScoreView {
  agentId: string;
  teamId: string | null;
  score: number | null;
  evaluations: number;
  criticalFails: number;
  windowDays: number;
  updatedAt: string | null;
}

/** What moved a score: a counted evaluation changed, or evaluations left the window with time. */
export type ScoreCause = { kind: 'evaluation'; evaluationId: string } | { kind: 'ageing' };

/** Periods shown when the query names none: the last 12 weeks. */
const DEFAULT_SPAN_DAYS = 84;

/**
 * Agents' scores: the current (rolling) score kept on the agent row and announced with
 * `qa.agent.score_changed` when it moves; scores per period for agents and teams, computed from
 * the counted evaluations.
 */
@Injectable()
export class ScoresService {
  constructor(
    private readonly database: QaDatabase,
    private readonly evaluations: EvaluationsRepository,
    private readonly settings: QaSettingsRepository,
    private readonly outbox: QaFactsOutbox,
    private readonly clock: Clock,
  ) {}

  /**
   * Recomputes an agent's rolling score inside the transaction that changed one of its
   * evaluations (or by the ageing sweep); writes the fact when the score moved. The agent's row is
   * locked first, so two writers (a submission and the sweep, or two replicas' sweeps) recompute one
   * after the other and announce a move once.
   */
  async recompute(tx: QaTx, tenantId: string, agentId: string, cause: ScoreCause): Promise<void> {
    const previous = await lockAgentScore(tx, tenantId, agentId);
    const settings = await this.settings.get(tx, tenantId);
    const now = this.clock.now();
    const from = new Date(now.getTime() - settings.scoreWindowDays * 86_400_000);
    const counted = await this.evaluations.countedSince(tx, tenantId, [agentId], from, now);
    const rolling = rollingScore(counted, now, settings.scoreWindowDays);
    await tx.agent.update({
      where: { tenantId_agentId: { tenantId, agentId } },
      data: {
        score: rolling.score,
        evaluationCount: rolling.evaluations,
        criticalFailCount: rolling.criticalFails,
        scoreUpdatedAt: now,
      },
    });
    if (previous.score === rolling.score) return;
    await this.outbox.agentScoreChanged(
      tx,
      tenantId,
      {
        agentId,
        ...(previous.teamId ? { teamId: previous.teamId } : {}),
        score: rolling.score,
        previousScore: previous.score,
        evaluationCount: rolling.evaluations,
        criticalFailCount: rolling.criticalFails,
        windowDays: settings.scoreWindowDays,
        cause: cause.kind,
        ...(cause.kind === 'evaluation' ? { evaluationId: cause.evaluationId } : {}),
      },
      now,
    );
  }

  /** The current score of each agent, in the order asked (unknown agents without a score). */
  current(agentIds: readonly string[]): Promise<{ windowDays: number; scores: AgentScoreView[] }> {
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const rows = await tx.agent.findMany({ where: { tenantId, agentId: { in: [...agentIds] } } });
      const byId = new Map(rows.map((r) => [r.agentId, r]));
      return {
        windowDays: settings.scoreWindowDays,
        scores: agentIds.map((agentId) => {
          const row = byId.get(agentId);
          return {
            agentId,
            teamId: row?.teamId ?? null,
            score: row?.score ?? null,
            evaluations: row?.evaluationCount ?? 0,
            criticalFails: row?.criticalFailCount ?? 0,
            windowDays: settings.scoreWindowDays,
            updatedAt: row?.scoreUpdatedAt?.toISOString() ?? null,
          };
        }),
      };
    });
  }

  async agentOverTime(
    agentId: string,
    query: unknown,
  ): Promise<{ current: AgentScoreView; periods: PeriodScore[] }> {
    parseOrThrow(RefIdSchema, agentId, 'params.agentId');
    const q = parseOrThrow(ScoresQuerySchema, query, 'query');
    const [current] = (await this.current([agentId])).scores;
    const periods = await this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const { from, to } = this.span(q);
      const counted = await this.evaluations.countedSince(tx, tenantId, [agentId], from, to);
      return scoresOverTime(
        counted.map((e) => ({ ...e, teamId: null })),
        { period: q.period, zone: settings.timeZone, by: 'agent' },
      );
    });
    return { current: current!, periods };
  }

  async teamOverTime(
    teamId: string,
    query: unknown,
  ): Promise<{
    teamId: string;
    agents: AgentScoreView[];
    periods: PeriodScore[];
    agentPeriods: PeriodScore[];
  }> {
    parseOrThrow(RefIdSchema, teamId, 'params.teamId');
    const q = parseOrThrow(ScoresQuerySchema, query, 'query');
    const agentIds = await this.database.tenant(async (tx, tenantId) =>
      (
        await tx.agent.findMany({
          where: { tenantId, teamId },
          select: { agentId: true },
          orderBy: { agentId: 'asc' },
        })
      ).map((a) => a.agentId),
    );
    if (agentIds.length === 0) throw AppError.notFound('team', teamId);
    const { scores } = await this.current(agentIds);
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const { from, to } = this.span(q);
      const counted = (await this.evaluations.countedSince(tx, tenantId, agentIds, from, to)).map((e) => ({
        ...e,
        teamId,
      }));
      const options = { period: q.period, zone: settings.timeZone };
      return {
        teamId,
        agents: scores,
        periods: scoresOverTime(counted, { ...options, by: 'team' }),
        agentPeriods: scoresOverTime(counted, { ...options, by: 'agent' }),
      };
    });
  }

  /** Sets an agent's team and/or first day (for team scores and the new-agent sampling rule). */
  setProfile(
    agentId: string,
    body: unknown,
  ): Promise<{ agentId: string; teamId: string | null; startedAt: string | null }> {
    parseOrThrow(RefIdSchema, agentId, 'params.agentId');
    const input = parseOrThrow(AgentProfileSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const data = {
        ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
        ...(input.startedAt !== undefined ? { firstCallAt: new Date(input.startedAt) } : {}),
      };
      const row = await tx.agent.upsert({
        where: { tenantId_agentId: { tenantId, agentId } },
        create: { tenantId, agentId, ...data },
        update: data,
      });
      return { agentId, teamId: row.teamId, startedAt: row.firstCallAt?.toISOString() ?? null };
    });
  }

  private span(q: z.infer<typeof ScoresQuerySchema>): { from: Date; to: Date } {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from
      ? new Date(q.from)
      : DateTime.fromJSDate(to).minus({ days: DEFAULT_SPAN_DAYS }).toJSDate();
    if (from >= to) {
      throw AppError.invalid([{ field: 'query.from', rule: 'before', message: 'must be before `to`' }]);
    }
    return { from, to };
  }
}

/**
 * Creates the agent's row if needed and locks it for the rest of the transaction, in one statement
 * (ON CONFLICT DO UPDATE takes the row lock and waits for a concurrent writer); returns the score
 * and team as the last committed writer left them.
 */
async function lockAgentScore(
  tx: QaTx,
  tenantId: string,
  agentId: string,
): Promise<{ score: number | null; teamId: string | null }> {
  const rows = await tx.$queryRaw<{ score: number | null; team_id: string | null }[]>`
    INSERT INTO agent (tenant_id, agent_id) VALUES (${tenantId}, ${agentId})
    ON CONFLICT (tenant_id, agent_id) DO UPDATE SET tenant_id = agent.tenant_id
    RETURNING score, team_id`;
  const row = rows[0]!;
  return { score: row.score, teamId: row.team_id };
}
