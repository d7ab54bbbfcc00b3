import type { AutoCheck, CallFacts, CheckLimits, CheckOutcome, CheckResult } from './auto-check.model';

const result = (
  check: AutoCheck,
  outcome: CheckOutcome,
  observed: number | boolean | null,
  limit: number | boolean | null,
): CheckResult => ({ check, outcome, observed, limit });

/** `fail` when the value is over the limit, else `pass`. */
const over = (value: number, limit: number): CheckOutcome => (value > limit ? 'fail' : 'pass');

/**
 * Scores every automatic check of one call (pure). Checks of the agent's conduct (hold, transfers,
 * length, disposition) apply only to answered calls; the wait applies to inbound answered calls
 * (an outbound call's "wait" is the callee's ringing, not the caller's patience); consent applies
 * to recorded calls and stays `pending` until recording.ready says whether the message played.
 */
export function runAutoChecks(call: CallFacts, limits: CheckLimits): CheckResult[] {
  const answered = call.answered;
  return [
    answered
      ? result('hold_over_limit', over(call.holdMs, limits.maxHoldMs), call.holdMs, limits.maxHoldMs)
      : result('hold_over_limit', 'na', null, limits.maxHoldMs),
    answered
      ? result('too_many_holds', over(call.holdCount, limits.maxHolds), call.holdCount, limits.maxHolds)
      : result('too_many_holds', 'na', null, limits.maxHolds),
    answered && call.direction === 'inbound'
      ? result('long_wait', over(call.waitMs, limits.maxWaitMs), call.waitMs, limits.maxWaitMs)
      : result('long_wait', 'na', null, limits.maxWaitMs),
    answered
      ? result(
          'transfers',
          over(call.transferCount, limits.maxTransfers),
          call.transferCount,
          limits.maxTransfers,
        )
      : result('transfers', 'na', null, limits.maxTransfers),
    answered
      ? result('short_call', call.talkMs < limits.minTalkMs ? 'fail' : 'pass', call.talkMs, limits.minTalkMs)
      : result('short_call', 'na', null, limits.minTalkMs),
    answered && limits.requireDisposition
      ? result('missing_disposition', call.disposition ? 'pass' : 'fail', call.disposition !== null, true)
      : result('missing_disposition', 'na', null, limits.requireDisposition),
    consentCheck(call, limits),
  ];
}

function consentCheck(call: CallFacts, limits: CheckLimits): CheckResult {
  if (!limits.requireConsent || call.recordingId === null) {
    return result('recording_consent', 'na', call.consentPlayed, limits.requireConsent);
  }
  if (call.consentPlayed === null) return result('recording_consent', 'pending', null, true);
  return result('recording_consent', call.consentPlayed ? 'pass' : 'fail', call.consentPlayed, true);
}

/** The checks a call failed. */
export function failedChecks(results: readonly CheckResult[]): AutoCheck[] {
  return results.filter((r) => r.outcome === 'fail').map((r) => r.check);
}

/** How an automatic check answers its yes/no question: passed = yes, failed = no, else n/a. */
export function autoAnswer(outcome: CheckOutcome): 'yes' | 'no' | 'na' {
  switch (outcome) {
    case 'pass':
      return 'yes';
    case 'fail':
      return 'no';
    case 'na':
    case 'pending':
      return 'na';
  }
}
