import type { AttemptOutcome, ContactAttemptHistory, RetryRules } from '../contacts/retry-rules.util';
import { nextRetry } from '../contacts/retry-rules.util';

export interface ContactAfterAttempt {
  state: 'pending' | 'done' | 'exhausted' | 'blocked';
  nextAttemptAt: Date | null;
  outcomes: Record<string, number>;
}

/** Where a contact stands after an attempt ended with `outcome` (retry rules, attempt limit). */
export function contactAfterAttempt(
  outcome: AttemptOutcome,
  attempts: number,
  outcomesSoFar: Record<string, number>,
  rules: RetryRules,
  maxAttempts: number,
  now: Date,
  callbackAt?: Date,
): ContactAfterAttempt {
  const outcomes = { ...outcomesSoFar, [outcome]: (outcomesSoFar[outcome] ?? 0) + 1 };
  const history: ContactAttemptHistory = { attempts, outcomes };
  if (outcome === 'do_not_call') return { state: 'blocked', nextAttemptAt: null, outcomes };
  const decision = nextRetry(outcome, history, rules, maxAttempts, now, callbackAt);
  if (decision.retry) return { state: 'pending', nextAttemptAt: decision.at, outcomes };
  return { state: decision.reason === 'final_outcome' ? 'done' : 'exhausted', nextAttemptAt: null, outcomes };
}

/**
 * The outcome of an outbound call from its end fact: an agent's disposition when there is one, else
 * connected / abandoned from what the attempt saw, else the hang-up cause (17 busy, 19/no answer).
 */
export function outcomeOfCall(
  attemptState: string,
  fact: {
    disposition?: string | undefined;
    hangupCause?: number | undefined;
    answeredAt?: string | undefined;
  },
): AttemptOutcome {
  const disposition = fact.disposition?.toLowerCase();
  const known: readonly AttemptOutcome[] = [
    'sale',
    'callback_requested',
    'not_interested',
    'wrong_number',
    'do_not_call',
    'machine',
  ];
  if (disposition && (known as readonly string[]).includes(disposition)) return disposition as AttemptOutcome;
  if (attemptState === 'abandoned') return 'abandoned';
  if (attemptState === 'connected') return 'connected';
  if (fact.hangupCause === 17) return 'busy';
  if (fact.hangupCause === 19 || fact.hangupCause === 18 || !fact.answeredAt) return 'no_answer';
  return 'failed';
}
