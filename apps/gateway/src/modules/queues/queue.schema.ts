import { AgentStateSchema, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

const Id = EntityIdSchema;
const Level = z.number().int().min(1).max(10);
export const SkillRequirementSchema = z.strictObject({ skillId: Id, minLevel: Level });

const Seconds = (max: number) => z.number().int().min(0).max(max);

export const OverflowRuleSchema = z.discriminatedUnion('action', [
  z.strictObject({
    afterSeconds: Seconds(86_400),
    action: z.literal('relax_levels'),
    relaxBy: z.number().int().min(1).max(9),
    skillId: Id.optional().describe('Only this skill; absent = every required skill.'),
  }),
  z.strictObject({
    afterSeconds: Seconds(86_400),
    action: z.literal('add_skills'),
    skills: z.array(SkillRequirementSchema).min(1).max(20),
  }),
  z.strictObject({ afterSeconds: Seconds(86_400), action: z.literal('move_to_queue'), queueId: Id }),
]);
export type OverflowRuleInput = z.infer<typeof OverflowRuleSchema>;

export const OpeningIntervalSchema = z
  .strictObject({
    weekday: z.number().int().min(1).max(7).describe('ISO weekday: 1 = Monday.'),
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(1440),
  })
  .refine((o) => o.endMinute > o.startMinute, { path: ['endMinute'], message: 'must be after startMinute' });

export const ServiceLevelSchema = z.strictObject({
  target: z.number().gt(0).lt(1).describe('Fraction answered within the threshold, e.g. 0.8.'),
  thresholdSeconds: z.number().int().min(1).max(3_600),
});

const QueueFields = {
  name: z.string().trim().min(1).max(200),
  requiredSkills: z.array(SkillRequirementSchema).max(20),
  membersOnly: z.boolean().describe('Only member agents (their profile names the queue) take its calls.'),
  priority: z.number().int().min(0).max(100),
  serviceLevel: ServiceLevelSchema.nullable(),
  ringTimeoutSeconds: z.number().int().min(5).max(600),
  wrapUpSeconds: Seconds(3_600),
  maxWaitSeconds: Seconds(86_400).describe('0 = no limit.'),
  overflow: z.array(OverflowRuleSchema).max(20),
  agentSelection: z.enum(['longest_idle', 'most_skilled']),
  openingHours: z.array(OpeningIntervalSchema).max(70).describe('Empty = always open.'),
};

/** A new queue: only `id` and `name` are required. */
export const CreateQueueSchema = z.strictObject({
  id: Id,
  name: QueueFields.name,
  requiredSkills: QueueFields.requiredSkills.default([]),
  membersOnly: QueueFields.membersOnly.default(false),
  priority: QueueFields.priority.default(0),
  serviceLevel: QueueFields.serviceLevel.default({ target: 0.8, thresholdSeconds: 20 }),
  ringTimeoutSeconds: QueueFields.ringTimeoutSeconds.default(20),
  wrapUpSeconds: QueueFields.wrapUpSeconds.default(0),
  maxWaitSeconds: QueueFields.maxWaitSeconds.default(0),
  overflow: QueueFields.overflow.default([]),
  agentSelection: QueueFields.agentSelection.default('longest_idle'),
  openingHours: QueueFields.openingHours.default([]),
});
export type CreateQueue = z.infer<typeof CreateQueueSchema>;

/** A change: the fields present replace the queue's. */
export const UpdateQueueSchema = z.strictObject({
  name: QueueFields.name.optional(),
  requiredSkills: QueueFields.requiredSkills.optional(),
  membersOnly: QueueFields.membersOnly.optional(),
  priority: QueueFields.priority.optional(),
  serviceLevel: QueueFields.serviceLevel.optional(),
  ringTimeoutSeconds: QueueFields.ringTimeoutSeconds.optional(),
  wrapUpSeconds: QueueFields.wrapUpSeconds.optional(),
  maxWaitSeconds: QueueFields.maxWaitSeconds.optional(),
  overflow: QueueFields.overflow.optional(),
  agentSelection: QueueFields.agentSelection.optional(),
  openingHours: QueueFields.openingHours.optional(),
});
export type UpdateQueue = z.infer<typeof UpdateQueueSchema>;

export const QueueViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  requiredSkills: z.array(z.object({ skillId: z.string(), minLevel: z.number() })),
  membersOnly: z.boolean(),
  priority: z.number(),
  serviceLevel: z.object({ target: z.number(), thresholdSeconds: z.number() }).nullable(),
  ringTimeoutSeconds: z.number(),
  wrapUpSeconds: z.number(),
  maxWaitSeconds: z.number(),
  overflow: z.array(z.record(z.string(), z.unknown())),
  agentSelection: z.enum(['longest_idle', 'most_skilled']),
  openingHours: z.array(z.object({ weekday: z.number(), startMinute: z.number(), endMinute: z.number() })),
  version: z.number().int(),
});
export type QueueView = z.infer<typeof QueueViewSchema>;

export const StatsWindowSchema = z.enum(['last15m', 'today']);
export type StatsWindow = z.infer<typeof StatsWindowSchema>;

export const StatsQuerySchema = z.strictObject({
  window: StatsWindowSchema.default('last15m').describe(
    '`last15m` or `today` (since midnight, tenant zone).',
  ),
});

const QueueIdList = z
  .string()
  .max(4_000)
  .transform((s) => s.split(',').filter((x) => x.length > 0))
  .pipe(z.array(Id).max(200));

export const StatsListQuerySchema = StatsQuerySchema.extend({
  queueIds: QueueIdList.optional().describe('Comma-separated queue ids; absent = every queue.'),
});
export type StatsListQuery = z.infer<typeof StatsListQuerySchema>;

export const StatsStreamQuerySchema = StatsListQuerySchema.extend({
  intervalSeconds: z.coerce.number().int().min(1).max(60).default(5).describe('Seconds between events.'),
});
export type StatsStreamQuery = z.infer<typeof StatsStreamQuerySchema>;

export const QueueStatsViewSchema = z.object({
  queueId: z.string(),
  window: StatsWindowSchema,
  waitingCalls: z.number().int(),
  longestWaitSeconds: z.number().int(),
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  serviceLevel: z.number(),
  serviceLevelThresholdSeconds: z.number().int(),
  serviceLevelExcludingShortAbandons: z.number(),
  asaSeconds: z.number(),
  ahtSeconds: z.number(),
  abandonmentRate: z.number(),
  occupancy: z.number(),
  agentsByState: z.partialRecord(AgentStateSchema, z.number().int()),
  computedAt: z.string(),
});
export type QueueStatsView = z.infer<typeof QueueStatsViewSchema>;

export const SkillViewSchema = z.object({ id: z.string(), name: z.string() });
export const UpsertSkillSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type UpsertSkill = z.infer<typeof UpsertSkillSchema>;

/** The tenant's routing settings in acd: its zone ("today" statistics, opening hours), holidays, weight. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const RoutingSettingsSchema = z.strictObject({
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Zurich')
    .describe('IANA, e.g. Europe/Zurich.'),
  holidays: z
    .array(z.iso.date())
    .max(400)
    .default([])
    .describe('Days every queue with opening hours is closed.'),
  weight: z
    .number()
    .gt(0)
    .max(1_000)
    .default(1)
    .describe('Fairness weight when shared agents choose between tenants.'),
});
export type RoutingSettings = z.infer<typeof RoutingSettingsSchema>;
