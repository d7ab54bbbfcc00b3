import type { CallOutcome } from '@cc/ari-sim';
import { roundTo } from './options';

/**
 * The ground truth of a run: what the simulated callers experienced, read from the ARI simulator's
 * call outcomes (never from the platform's own statistics, which are what is being judged).
 */
/** The simulator's record of one channel (GET /sim/v1/calls). */
export type SimOutcome = Pick<
  CallOutcome,
  | 'channelId'
  | 'name'
  | 'direction'
  | 'endpoint'
  | 'from'
  | 'to'
  | 'createdAt'
  | 'answeredAt'
  | 'endedAt'
  | 'hungUpBy'
  | 'connectedAt'
  | 'connectedTo'
>;

/** What the world asked of one caller. */
export interface CallPlan {
  tenantId: string;
  queueId: string;
  /** Seconds from the IVR answering to the caller's key press (the queue starts then); 0 = no menu. */
  menuKeyAfterS: number;
}

export type CallFate = 'answered' | 'abandoned' | 'failed' | 'waiting';

export interface CallResult {
  tenantId: string;
  queueId: string;
  fate: CallFate;
  /** Seconds from entering the queue to reaching an agent (answered) or hanging up (abandoned). */
  waitS: number;
  arrivedAtMs: number;
}

const ms = (iso: string | null): number | undefined => (iso === null ? undefined : Date.parse(iso));

export function classifyCall(plan: CallPlan, o: SimOutcome): CallResult {
  const created = ms(o.createdAt) ?? 0;
  const answered = ms(o.answeredAt);
  const queuedAt = plan.menuKeyAfterS > 0 ? (answered ?? created) + plan.menuKeyAfterS * 1000 : created;
  const connected = ms(o.connectedAt);
  const ended = ms(o.endedAt);
  const base = { tenantId: plan.tenantId, queueId: plan.queueId, arrivedAtMs: created };
  if (connected !== undefined)
    return { ...base, fate: 'answered', waitS: Math.max(0, connected - queuedAt) / 1000 };
  if (ended === undefined) return { ...base, fate: 'waiting', waitS: 0 };
  if (o.hungUpBy === 'remote')
    return { ...base, fate: 'abandoned', waitS: Math.max(0, ended - queuedAt) / 1000 };
  return { ...base, fate: 'failed', waitS: 0 };
}

export interface Kpis {
  offered: number;
  answered: number;
  abandoned: number;
  /** Calls the platform ended without an agent and without the caller hanging up (errors, closed). */
  failed: number;
  /** Answered within the threshold / (answered + abandoned): abandons count as misses. */
  sl20: number;
  /** The same without calls abandoned within the threshold. */
  sl20ExcludingShortAbandons: number;
  /** Mean wait of answered calls (s). */
  asa: number;
  /** Calls that waited more than `waitEpsilonS` / offered. */
  pWait: number;
  abandonRate: number;
  meanWaitAllSec: number;
}

const round = roundTo;

export function kpisOf(results: readonly CallResult[], thresholdS = 20, waitEpsilonS = 1): Kpis {
  let answered = 0;
  let abandoned = 0;
  let failed = 0;
  let within = 0;
  let shortAbandons = 0;
  let waitAnswered = 0;
  let waitAll = 0;
  let waited = 0;
  for (const r of results) {
    if (r.fate === 'failed') failed++;
    if (r.fate !== 'answered' && r.fate !== 'abandoned') continue;
    waitAll += r.waitS;
    if (r.waitS > waitEpsilonS) waited++;
    if (r.fate === 'answered') {
      answered++;
      waitAnswered += r.waitS;
      if (r.waitS <= thresholdS) within++;
    } else {
      abandoned++;
      if (r.waitS <= thresholdS) shortAbandons++;
    }
  }
  const offered = answered + abandoned;
  const safe = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    offered,
    answered,
    abandoned,
    failed,
    sl20: round(safe(within, offered)),
    sl20ExcludingShortAbandons: round(safe(within, offered - shortAbandons)),
    asa: round(safe(waitAnswered, answered), 3),
    pWait: round(safe(waited, offered)),
    abandonRate: round(safe(abandoned, offered)),
    meanWaitAllSec: round(safe(waitAll, offered), 3),
  };
}

/**
 * Agents seen talking to two parties at once: legs to the same agent endpoint whose connected
 * intervals overlap. Must be 0.
 */
export function doubleBookedAgents(
  outcomes: readonly SimOutcome[],
  isAgentEndpoint: (endpoint: string) => boolean,
): string[] {
  const byAgent = new Map<string, { from: number; to: number }[]>();
  for (const o of outcomes) {
    if (o.connectedAt === null || !isAgentEndpoint(o.endpoint)) continue;
    const list = byAgent.get(o.endpoint) ?? [];
    list.push({ from: Date.parse(o.connectedAt), to: o.endedAt === null ? Infinity : Date.parse(o.endedAt) });
    byAgent.set(o.endpoint, list);
  }
  const doubled: string[] = [];
  for (const [agent, legs] of byAgent) {
    legs.sort((a, b) => a.from - b.from);
    let busyUntil = -Infinity;
    for (const leg of legs) {
      if (leg.from < busyUntil) {
        doubled.push(agent);
        break;
      }
      busyUntil = Math.max(busyUntil, leg.to);
    }
  }
  return doubled;
}
