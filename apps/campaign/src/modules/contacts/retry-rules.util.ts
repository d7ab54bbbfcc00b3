/** How an attempt ended, as far as retries care. */
export type AttemptOutcome =
  | 'connected'
  | 'busy'
  | 'no_answer'
  | 'machine'
  | 'callback_requested'
  | 'abandoned'
  | 'failed'
  | 'do_not_call'
  | 'wrong_number'
  | 'not_interested'
  | 'sale';

export type RetryableOutcome =
  'busy' | 'no_answer' | 'machine' | 'callback_requested' | 'abandoned' | 'failed';

export interface RetryRule {
  /** Wait before the next attempt (callback_requested: used when the callee named no time). */
  readonly delayMinutes: number;
  /** Retries allowed after this outcome (not counting the first attempt). */
  readonly maxRetries: number;
}

export type RetryRules = Readonly<Record<RetryableOutcome, RetryRule>>;

export const DEFAULT_RETRY_RULES: RetryRules = {
  busy: { delayMinutes: 15, maxRetries: 3 },
  no_answer: { delayMinutes: 120, maxRetries: 3 },
  machine: { delayMinutes: 240, maxRetries: 2 },
  callback_requested: { delayMinutes: 60, maxRetries: 2 },
  // An abandoned call owes the callee a real conversation: back soon, but not within the hour.
  abandoned: { delayMinutes: 60, maxRetries: 2 },
  failed: { delayMinutes: 10, maxRetries: 2 },
};

export interface ContactAttemptHistory {
  /** Attempts made so far, this one included. */
  readonly attempts: number;
  /** How many earlier attempts ended with each outcome, this one included. */
  readonly outcomes: Readonly<Partial<Record<AttemptOutcome, number>>>;
}

export type RetryDecision =
  | { readonly retry: true; readonly at: Date }
  | { readonly retry: false; readonly reason: 'final_outcome' | 'max_attempts' | 'max_retries' };

const FINAL: ReadonlySet<AttemptOutcome> = new Set([
  'connected',
  'do_not_call',
  'wrong_number',
  'not_interested',
  'sale',
]);

/**
 * When to try a contact again after `outcome`: never after a final outcome, never past the
 * campaign's maximum attempts, never more often than the outcome's rule allows; a callback asked
 * for a time gets that time.
 */
export function nextRetry(
  outcome: AttemptOutcome,
  history: ContactAttemptHistory,
  rules: RetryRules,
  maxAttempts: number,
  now: Date,
  callbackAt?: Date,
): RetryDecision {
  if (FINAL.has(outcome)) return { retry: false, reason: 'final_outcome' };
  if (history.attempts >= maxAttempts) return { retry: false, reason: 'max_attempts' };
  const rule = rules[outcome as RetryableOutcome];
  const sameOutcomes = history.outcomes[outcome] ?? 0;
  if (sameOutcomes > rule.maxRetries) return { retry: false, reason: 'max_retries' };
  if (outcome === 'callback_requested' && callbackAt && callbackAt.getTime() > now.getTime()) {
    return { retry: true, at: callbackAt };
  }
  return { retry: true, at: new Date(now.getTime() + rule.delayMinutes * 60_000) };
}
