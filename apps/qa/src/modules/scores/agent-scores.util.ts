import { DateTime } from 'luxon';

/** A counted evaluation, as scores see it. */
export interface ScoredEvaluation {
  agentId: string;
  teamId: string | null;
  /** 0-100. */
  percent: number;
  criticalFailed: boolean;
  submittedAt: Date;
}

export type ScorePeriod = 'day' | 'week' | 'month';

export interface PeriodScore {
  /** `2026-11-23`, `2026-W48` or `2026-11`, in the tenant's zone. */
  period: string;
  /** The agent's or the team's id. */
  subjectId: string;
  evaluations: number;
  /** Mean percent of the period's evaluations. */
  average: number;
  criticalFails: number;
}

const PERIOD_FORMAT: Record<ScorePeriod, string> = {
  day: 'yyyy-MM-dd',
  week: "kkkk-'W'WW",
  month: 'yyyy-MM',
};

export function periodOf(at: Date, period: ScorePeriod, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat(PERIOD_FORMAT[period]);
}

/**
 * Scores over time (pure): the mean percent per subject (agent, or team by `by: 'team'`) and
 * period, in period order. Evaluations of agents without a team are left out of team scores.
 */
export function scoresOverTime(
  evaluations: readonly ScoredEvaluation[],
  options: { period: ScorePeriod; zone: string; by: 'agent' | 'team' },
): PeriodScore[] {
  const buckets = new Map<
    string,
    { period: string; subjectId: string; sum: number; count: number; fails: number }
  >();
  for (const e of evaluations) {
    const subjectId = options.by === 'agent' ? e.agentId : e.teamId;
    if (subjectId === null) continue;
    const period = periodOf(e.submittedAt, options.period, options.zone);
    const key = `${subjectId}\u0000${period}`;
    const bucket = buckets.get(key) ?? { period, subjectId, sum: 0, count: 0, fails: 0 };
    bucket.sum += e.percent;
    bucket.count += 1;
    bucket.fails += e.criticalFailed ? 1 : 0;
    buckets.set(key, bucket);
  }
  return [...buckets.values()]
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.subjectId < b.subjectId ? -1 : 1))
    .map((b) => ({
      period: b.period,
      subjectId: b.subjectId,
      evaluations: b.count,
      average: round2(b.sum / b.count),
      criticalFails: b.fails,
    }));
}

export interface RollingScore {
  /** Mean percent over the window; null without evaluations. */
  score: number | null;
  evaluations: number;
  criticalFails: number;
}

/** An agent's current score: the mean percent of the evaluations submitted in the last `windowDays`. */
export function rollingScore(
  evaluations: readonly Pick<ScoredEvaluation, 'percent' | 'criticalFailed' | 'submittedAt'>[],
  now: Date,
  windowDays: number,
): RollingScore {
  const from = now.getTime() - windowDays * 86_400_000;
  const inWindow = evaluations.filter(
    (e) => e.submittedAt.getTime() > from && e.submittedAt.getTime() <= now.getTime(),
  );
  if (inWindow.length === 0) return { score: null, evaluations: 0, criticalFails: 0 };
  return {
    score: round2(inWindow.reduce((a, e) => a + e.percent, 0) / inWindow.length),
    evaluations: inWindow.length,
    criticalFails: inWindow.filter((e) => e.criticalFailed).length,
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
