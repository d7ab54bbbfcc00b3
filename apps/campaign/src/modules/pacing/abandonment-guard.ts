import type { WindowCounts } from '../ledger/abandonment-ledger';

export interface AbandonmentGuardOptions {
  /** The legal limit, abandoned / live answers (default 3%). */
  readonly limit: number;
  /** Standard deviations of the in-flight calls' abandonments kept in reserve. */
  readonly safetyZ: number;
  /** Below this many spare abandonments the pacer slows down in proportion. */
  readonly softSlack: number;
}

export const DEFAULT_GUARD: AbandonmentGuardOptions = { limit: 0.03, safetyZ: 4, softSlack: 10 };

export interface GuardVerdict {
  /** Multiplier of the pacer's risk budget: 1 = free, (0, 1) = slowing down, 0 = no risk at all. */
  readonly riskScale: number;
  /** Spare abandonments in the tightest window after the calls in flight are counted against it. */
  readonly slack: number;
  readonly tightestWindow: string;
}

/**
 * The hard wall between the pacer and the law. For every rolling window of the ledger it counts the
 * abandonments still allowed (limit x live answers - abandoned), takes off those the calls in flight
 * may still cause (their expected number plus `safetyZ` standard deviations), and lets the pacer take
 * risk only while at least one spare abandonment remains; near the wall it scales the risk down.
 * With no slack the pacer may dial only what it can connect for certain (progressive).
 */
export function abandonmentGuard(
  windows: readonly WindowCounts[],
  pendingAbandonments: number,
  options: AbandonmentGuardOptions = DEFAULT_GUARD,
): GuardVerdict {
  const reserve = pendingAbandonments + options.safetyZ * Math.sqrt(Math.max(pendingAbandonments, 0.25));
  let slack = Number.POSITIVE_INFINITY;
  let tightestWindow = '';
  for (const w of windows) {
    const spare = options.limit * w.liveAnswers - w.abandoned - reserve;
    if (spare < slack) {
      slack = spare;
      tightestWindow = w.window;
    }
  }
  if (windows.length === 0) {
    slack = -reserve;
    tightestWindow = 'none';
  }
  const riskScale = slack < 1 ? 0 : Math.min(1, slack / options.softSlack);
  return { riskScale, slack, tightestWindow };
}
