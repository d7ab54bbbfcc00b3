import { z } from 'zod';

/** The checks qa scores on every call from telephony's facts, without a human. */
export const AUTO_CHECKS = [
  'hold_over_limit',
  'too_many_holds',
  'long_wait',
  'transfers',
  'short_call',
  'missing_disposition',
  'recording_consent',
] as const;
export type AutoCheck = (typeof AUTO_CHECKS)[number];

/**
 * `pass`/`fail`; `na` when the check does not apply to the call (e.g. hold checks on an unanswered
 * call); `pending` while a fact it needs has not arrived (the recording's consent flag).
 */
export type CheckOutcome = 'pass' | 'fail' | 'na' | 'pending';

export interface CheckResult {
  check: AutoCheck;
  outcome: CheckOutcome;
  /** What the call showed (ms, a count, whether consent played), null when unknown. */
  observed: number | boolean | null;
  /** The tenant's limit it was held to, null when the check has none. */
  limit: number | boolean | null;
}

/** The tenant's limits for the automatic checks. */
export const CheckLimitsSchema = z
  .object({
    /** Total hold time over this fails `hold_over_limit`. */
    maxHoldMs: z.number().int().min(0).max(86_400_000).default(120_000),
    /** More holds than this fail `too_many_holds`. */
    maxHolds: z.number().int().min(0).max(1000).default(2),
    /** A wait before the answer longer than this fails `long_wait`. */
    maxWaitMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** More transfers than this fail `transfers`. */
    maxTransfers: z.number().int().min(0).max(100).default(1),
    /** An answered call with less talk than this fails `short_call`. */
    minTalkMs: z.number().int().min(0).max(86_400_000).default(10_000),
    /** Whether an answered call must end with a disposition. */
    requireDisposition: z.boolean().default(true),
    /** Whether a recorded call must have played the recording consent message. */
    requireConsent: z.boolean().default(true),
  })
  .strict();
export type CheckLimits = z.infer<typeof CheckLimitsSchema>;

export const DEFAULT_CHECK_LIMITS: CheckLimits = CheckLimitsSchema.parse({});

/** What the checks read of a call (from call.ended and recording.ready). */
export interface CallFacts {
  /** An agent answered (call.ended carries answeredAt and agentId). */
  answered: boolean;
  direction: 'inbound' | 'outbound';
  waitMs: number;
  talkMs: number;
  holdMs: number;
  holdCount: number;
  transferCount: number;
  disposition: string | null;
  recordingId: string | null;
  /** From recording.ready; null until it arrived. */
  consentPlayed: boolean | null;
}
