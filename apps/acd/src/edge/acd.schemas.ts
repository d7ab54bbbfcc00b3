import { AcdV1, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

/** Request schemas of the acd contract: parseRequest names the field of every broken rule. */

const id = EntityIdSchema;
const level = z.number().int().min(1).max(10);
const SkillRequirementSchema = z.object({ skillId: id, minLevel: level });
const TimestampSchema = z.object({ seconds: z.number(), nanos: z.number() }).optional();
const token = z.number().int().positive();
const reasonCode = z.string().max(64);

export const EnqueueCallSchema = z.object({
  callId: id,
  queueId: id,
  requiredSkills: z.array(SkillRequirementSchema).max(20),
  priority: z.number().int().min(0).max(100),
  valueTier: z.number().int(),
  caller: z
    .object({ e164: z.string().regex(/^(\+[1-9]\d{7,14})?$/, 'must be E.164 or empty') })
    .passthrough()
    .optional(),
  telephonyNodeId: z.string().min(1).max(128),
  arrivedAt: TimestampSchema,
});

export const CancelCallSchema = z.object({ callId: id, reason: z.number().int() });

export const SetAgentStateSchema = z
  .object({
    agentId: id,
    state: z.union(
      [
        z.literal(AcdV1.AgentState.AGENT_STATE_LOGGED_OUT),
        z.literal(AcdV1.AgentState.AGENT_STATE_AVAILABLE),
        z.literal(AcdV1.AgentState.AGENT_STATE_NOT_READY),
      ],
      { message: 'only LOGGED_OUT, AVAILABLE and NOT_READY may be requested' },
    ),
    reasonCode,
    expectedVersion: z.number().int().min(0),
  })
  .refine((r) => r.state !== AcdV1.AgentState.AGENT_STATE_NOT_READY || r.reasonCode.length > 0, {
    message: 'is required with NOT_READY',
    path: ['reasonCode'],
  });

export const GetAgentStateSchema = z.object({ agentId: id });

const window = z.number().int().min(0).max(2);
export const GetQueueStatsSchema = z.object({ queueIds: z.array(id).max(1_000), window });
export const WatchQueueStatsSchema = z.object({
  queueIds: z.array(id).max(1_000),
  window,
  intervalSeconds: z.number().int().min(0).max(3_600),
});

export const WatchAssignmentsSchema = z.object({ telephonyNodeId: z.string().min(1).max(128) });

export const AcknowledgeAssignmentSchema = z.object({ callId: id, agentId: id, fencingToken: token });
export const RejectAssignmentSchema = z.object({
  callId: id,
  agentId: id,
  fencingToken: token,
  reason: z.number().int().min(0).max(4),
});
export const StartWrapUpSchema = z.object({ callId: id, agentId: id, fencingToken: token });
export const CompleteCallSchema = z
  .object({
    callId: id,
    agentId: id,
    fencingToken: token,
    disposition: z.string().max(128),
    nextState: z.union(
      [
        z.literal(AcdV1.AgentState.AGENT_STATE_UNSPECIFIED),
        z.literal(AcdV1.AgentState.AGENT_STATE_AVAILABLE),
        z.literal(AcdV1.AgentState.AGENT_STATE_NOT_READY),
      ],
      { message: 'must be UNSPECIFIED, AVAILABLE or NOT_READY' },
    ),
    reasonCode,
  })
  .refine((r) => r.nextState !== AcdV1.AgentState.AGENT_STATE_NOT_READY || r.reasonCode.length > 0, {
    message: 'is required with NOT_READY',
    path: ['reasonCode'],
  });

export const EstimateStaffingSchema = z
  .object({
    callsPerHour: z.number().positive(),
    ahtSeconds: z.number().positive(),
    targetServiceLevel: z.number().gt(0).lt(1),
    serviceLevelThresholdSeconds: z.number().int().min(0).max(3_600),
    patienceSeconds: z.number().min(0),
    maxAbandonmentRate: z.number().min(0).lt(1),
  })
  .refine((r) => r.maxAbandonmentRate === 0 || r.patienceSeconds > 0, {
    message: 'an abandonment target needs patienceSeconds',
    path: ['maxAbandonmentRate'],
  });

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const UpsertTenantSettingsSchema = z.object({
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'is not an IANA time zone'),
  weight: z.number().min(0).max(1_000),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).max(400),
});

export const UpsertSkillSchema = z.object({ skillId: id, name: z.string().min(1).max(200) });

const OverflowRuleSchema = z
  .object({
    afterSeconds: z.number().int().min(0).max(86_400),
    kind: z.number().int().min(1).max(3),
    relaxBy: z.number().int().min(0).max(9),
    skillId: z.string().max(128),
    addSkills: z.array(SkillRequirementSchema).max(20),
    targetQueueId: z.string().max(128),
  })
  .superRefine((r, ctx) => {
    const kind = r.kind as AcdV1.OverflowActionKind;
    if (kind === AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS && r.relaxBy < 1)
      ctx.addIssue({ code: 'custom', path: ['relaxBy'], message: 'must be at least 1 for RELAX_LEVELS' });
    if (kind === AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_ADD_SKILLS && r.addSkills.length === 0)
      ctx.addIssue({ code: 'custom', path: ['addSkills'], message: 'must not be empty for ADD_SKILLS' });
    if (
      kind === AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE &&
      !id.safeParse(r.targetQueueId).success
    )
      ctx.addIssue({
        code: 'custom',
        path: ['targetQueueId'],
        message: 'must name a queue for MOVE_TO_QUEUE',
      });
  });

const OpeningIntervalSchema = z
  .object({
    weekday: z.number().int().min(1).max(7),
    startMinute: z.number().int().min(0).max(1_439),
    endMinute: z.number().int().min(1).max(1_440),
  })
  .refine((i) => i.endMinute > i.startMinute, { message: 'must be after startMinute', path: ['endMinute'] });

export const UpsertQueueSchema = z.object({
  queue: z.object({
    queueId: id,
    name: z.string().min(1).max(200),
    requiredSkills: z.array(SkillRequirementSchema).max(20),
    membersOnly: z.boolean(),
    priority: z.number().int().min(0).max(100),
    serviceLevelTarget: z.number().min(0).lt(1),
    serviceLevelThresholdSeconds: z.number().int().min(0).max(3_600),
    ringTimeoutSeconds: z.number().int().min(0).max(600),
    wrapUpSeconds: z.number().int().min(0).max(3_600),
    maxWaitSeconds: z.number().int().min(0).max(86_400),
    overflow: z.array(OverflowRuleSchema).max(20),
    agentSelection: z.number().int().min(0).max(2),
    openingHours: z.array(OpeningIntervalSchema).max(100),
  }),
});

export const UpsertAgentSchema = z.object({
  agentId: id,
  displayName: z.string().min(1).max(200),
  endpoint: z.string().min(1).max(200),
  qualityScore: z.number().min(0).max(100),
});

export const SetAgentProfileSchema = z.object({
  agentId: id,
  skills: z.array(z.object({ skillId: id, level })).max(200),
  queueIds: z.array(id).max(1_000),
  remove: z.boolean(),
});

export const ListQueuesSchema = z.object({ queueIds: z.array(id).max(1_000) });
export const ListSkillsSchema = z.object({});
export const ListAgentsSchema = z.object({ agentIds: z.array(id).max(1_000) });
