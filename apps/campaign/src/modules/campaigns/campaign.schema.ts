import { E164Schema } from '@cc/contracts';
import { z } from 'zod';

const E164 = E164Schema;
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');
const Minute = z.number().int().min(0).max(1440);
const RetryRule = z
  .object({ delayMinutes: z.number().int().min(1).max(43_200), maxRetries: z.number().int().min(0).max(20) })
  .strict();

export const RetryRulesSchema = z
  .object({
    busy: RetryRule,
    no_answer: RetryRule,
    machine: RetryRule,
    callback_requested: RetryRule,
    abandoned: RetryRule,
    failed: RetryRule,
  })
  .partial()
  .strict();

export const RestrictionsSchema = z
  .object({
    startMinute: Minute.optional(),
    endMinute: Minute.optional(),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    holidays: z.array(z.iso.date()).max(400).optional(),
  })
  .strict();

export const CadenceSchema = z
  .object({
    zone: z.string().min(1).max(64),
    steps: z
      .array(
        z
          .object({ daysBefore: z.number().int().min(0).max(3650), action: z.string().min(1).max(200) })
          .strict(),
      )
      .min(1)
      .max(20),
  })
  .strict();

export const CreateCampaignSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    mode: z.enum(['preview', 'progressive', 'predictive']),
    queueId: Id,
    callerId: E164,
    trunkId: Id.optional(),
    // The law asks for at least 15 s of ringing before giving up.
    ringTimeoutSeconds: z.number().int().min(15).max(120).default(25),
    maxAttempts: z.number().int().min(1).max(50).default(3),
    // A tenant may be stricter than the 3% rule, never looser.
    abandonLimit: z.number().gt(0).max(0.03).default(0.03),
    retryRules: RetryRulesSchema.default({}),
    restrictions: RestrictionsSchema.default({}),
    priorityKeys: z
      .array(z.enum(['lead_score', 'value_tier', 'due_date']))
      .max(3)
      .default([]),
    cadence: CadenceSchema.optional(),
  })
  .strict();
export type CreateCampaignInput = z.infer<typeof CreateCampaignSchema>;

export const UpdateCampaignSchema = CreateCampaignSchema.omit({ mode: true })
  .partial()
  .extend({ mode: z.enum(['preview', 'progressive', 'predictive']).optional() })
  .strict();

export const ListQuerySchema = z
  .object({
    state: z.enum(['draft', 'running', 'paused', 'stopped']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
