import { erlangA, erlangC, type ErlangAResult, type ErlangCResult } from './erlang.util';

/** What a supervisor asks: the traffic, in calls per hour and seconds of handle time. */
export interface StaffingQuestion {
  readonly callsPerHour: number;
  readonly ahtSec: number;
  /** Service-level threshold in seconds (the "20" of 80/20). */
  readonly thresholdSec: number;
  /** Mean caller patience in seconds; omitted means callers never hang up (Erlang C). */
  readonly patienceSec?: number;
}

export type StaffingEstimate =
  | { readonly model: 'erlang_c'; readonly agents: number; readonly metrics: ErlangCResult }
  | { readonly model: 'erlang_a'; readonly agents: number; readonly metrics: ErlangAResult };

/** Beyond this many agents the question is surely mistyped; it bounds the search. */
const MAX_AGENTS = 100_000;

function evaluate(q: StaffingQuestion, agents: number): StaffingEstimate {
  const base = { lambda: q.callsPerHour / 3600, ahtSec: q.ahtSec, agents, thresholdSec: q.thresholdSec };
  return q.patienceSec === undefined
    ? { model: 'erlang_c', agents, metrics: erlangC(base) }
    : { model: 'erlang_a', agents, metrics: erlangA({ ...base, patienceSec: q.patienceSec }) };
}

/**
 * Smallest N for which `ok` holds, assuming `ok` is monotone in N (both service level and
 * abandonment improve with every added agent). Exponential then binary search: O(log N) model
 * evaluations of O(N) each.
 */
function smallestAgents(q: StaffingQuestion, ok: (e: StaffingEstimate) => boolean): StaffingEstimate {
  validate(q);
  const load = (q.callsPerHour / 3600) * q.ahtSec;
  // Without abandonment fewer agents than the load can never keep up.
  let lo = q.patienceSec === undefined ? Math.floor(load) + 1 : 1;
  let hi = lo;
  let best = evaluate(q, hi);
  while (!ok(best)) {
    lo = hi + 1;
    hi = Math.max(hi * 2, hi + 1);
    if (hi > MAX_AGENTS) throw new RangeError(`no staffing up to ${MAX_AGENTS} agents meets the target`);
    best = evaluate(q, hi);
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const e = evaluate(q, mid);
    if (ok(e)) {
      hi = mid;
      best = e;
    } else {
      lo = mid + 1;
    }
  }
  return best.agents === hi ? best : evaluate(q, hi);
}

/** Minimum agents so that the service level (answered within threshold / offered) reaches `target`. */
export function agentsForServiceLevel(q: StaffingQuestion, target: number): StaffingEstimate {
  if (!(target > 0 && target < 1)) throw new RangeError('target service level must be in (0, 1)');
  return smallestAgents(q, (e) => e.metrics.serviceLevel >= target);
}

/** Minimum agents so that the abandonment rate is at most `maxAbandonRate` (needs patience). */
export function agentsForAbandonRate(q: StaffingQuestion, maxAbandonRate: number): StaffingEstimate {
  if (q.patienceSec === undefined) throw new RangeError('an abandonment target needs patienceSec');
  if (!(maxAbandonRate > 0 && maxAbandonRate < 1)) throw new RangeError('maxAbandonRate must be in (0, 1)');
  return smallestAgents(q, (e) => e.model === 'erlang_a' && e.metrics.abandonRate <= maxAbandonRate);
}

/** The model's figures at a given head count. */
export function staffingAt(q: StaffingQuestion, agents: number): StaffingEstimate {
  validate(q);
  return evaluate(q, agents);
}

function validate(q: StaffingQuestion): void {
  if (!(q.callsPerHour > 0) || !(q.ahtSec > 0) || !(q.thresholdSec >= 0)) {
    throw new RangeError('callsPerHour and ahtSec must be positive, thresholdSec non-negative');
  }
  if (q.patienceSec !== undefined && !(q.patienceSec > 0))
    throw new RangeError('patienceSec must be positive');
}
