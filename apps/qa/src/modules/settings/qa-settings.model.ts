import { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CheckLimits, CheckLimitsSchema, DEFAULT_CHECK_LIMITS } from '../auto-checks/auto-check.model';
import { DEFAULT_SAMPLING_RULES, type SamplingRules, SamplingRulesSchema } from '../sampling/sampling.util';

/** Ids of people and things of other services (agents, analysts, teams): opaque, safe to log. */
export const RefIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'must hold only letters, digits, "_", ":", "." or "-"');

export interface QaSettings {
  samplingRules: SamplingRules;
  checkLimits: CheckLimits;
  /** Who receives sampled calls; none = work items wait unassigned. */
  analystIds: string[];
  /** Fixes the random choices of sampling: the same seed replays the same sample. */
  samplingSeed: string;
  /** IANA zone in which sampling weeks and score periods are counted. */
  timeZone: string;
  /** Agent scores average the evaluations submitted in this many days. */
  scoreWindowDays: number;
  /** The scorecard new evaluations use unless they name one. */
  defaultScorecardId: string | null;
}

/** Days of evaluations an agent's current score averages, for a tenant that never set it. */
export const DEFAULT_SCORE_WINDOW_DAYS = 30;

/** A tenant that never saved settings: the seed is its id, so its sampling is reproducible too. */
export function defaultSettings(tenantId: string): QaSettings {
  return {
    samplingRules: DEFAULT_SAMPLING_RULES,
    checkLimits: DEFAULT_CHECK_LIMITS,
    analystIds: [],
    samplingSeed: tenantId,
    timeZone: 'UTC',
    scoreWindowDays: DEFAULT_SCORE_WINDOW_DAYS,
    defaultScorecardId: null,
  };
}

/**
 * A patch of an object schema: every field optional and WITHOUT its default (zod's partial() keeps
 * defaults, which would silently reset every field the patch does not name).
 */
export function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  );
  return z.object(shape).strict() as unknown as z.ZodObject<{ [K in keyof S]: z.ZodOptional<S[K]> }>;
}

/** PUT /v1/qa/settings: every field optional, the rest keeps its value; rules and limits merge. */
export const QaSettingsInputSchema = z
  .object({
    samplingRules: patchOf(SamplingRulesSchema).optional(),
    checkLimits: patchOf(CheckLimitsSchema).optional(),
    analystIds: z.array(RefIdSchema).max(500).optional(),
    samplingSeed: z.string().min(1).max(128).optional(),
    timeZone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Zurich')
      .optional(),
    scoreWindowDays: z.number().int().min(1).max(365).optional(),
    defaultScorecardId: RefIdSchema.nullable().optional(),
  })
  .strict();
export type QaSettingsInput = z.infer<typeof QaSettingsInputSchema>;
