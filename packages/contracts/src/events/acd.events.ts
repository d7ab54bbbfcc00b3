import { z } from 'zod';
import { EntityIdSchema } from '../common/ids';
import { defineEvent } from './envelope';

export const AgentStateSchema = z.enum([
  'logged_out',
  'available',
  'reserved',
  'ringing',
  'on_call',
  'wrap_up',
  'not_ready',
]);
export type AgentState = z.infer<typeof AgentStateSchema>;

/** An agent changed state; `durationMs` is how long the previous state lasted. */
export const AgentStateChanged = defineEvent({
  domain: 'acd',
  entity: 'agent',
  verb: 'state_changed',
  version: 1,
  payload: z.object({
    agentId: EntityIdSchema,
    from: AgentStateSchema,
    to: AgentStateSchema,
    reason: z.string().max(64).optional(),
    durationMs: z.number().int().nonnegative(),
    callId: EntityIdSchema.optional(),
    /** The queue of `callId` (reserved, ringing, on call, wrap-up). */
    queueId: EntityIdSchema.optional(),
  }),
});

/** acd reserved an agent for a call; the fencing token travels with every command about it. */
export const CallAssigned = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'assigned',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    agentId: EntityIdSchema,
    fencingToken: z.string().min(1).max(128),
    waitMs: z.number().int().nonnegative(),
    /** What telephony receives on WatchAssignments (`<agentId>:<fencingToken>`). */
    assignmentId: z.string().min(1).max(200).optional(),
    telephonyNodeId: z.string().min(1).max(128).optional(),
  }),
});

/** A call entered a queue (or a new router took it over: same call id, same arrival). */
export const CallEnqueued = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'enqueued',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    priority: z.number().int(),
  }),
});

/** The offered agent answered: the call is connected. `waitMs` runs from arrival to the answer. */
export const CallAnsweredByAgent = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'answered',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    agentId: EntityIdSchema,
    waitMs: z.number().int().nonnegative(),
  }),
});

/** An offer failed (no answer, busy, ring timeout, agent logged out): the call waits again with its age. */
export const CallRequeued = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'requeued',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    agentId: EntityIdSchema,
    reason: z.enum(['no_answer', 'busy', 'ring_timeout', 'agent_logged_out']),
  }),
});

/** An overflow rule applied to a waiting call (relaxed levels, added skills or moved to another queue). */
export const CallOverflowed = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'overflowed',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    action: z.enum(['relax_levels', 'add_skills', 'move_to_queue']),
    toQueueId: EntityIdSchema.optional(),
  }),
});

/** The call left acd without being answered: abandoned, cancelled, or its maximum wait passed. */
export const CallDequeued = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'dequeued',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    reason: z.enum(['abandoned', 'cancelled', 'max_wait']),
    waitMs: z.number().int().nonnegative(),
  }),
});

/** The agent's talk on a call ended (wrap-up follows); `talkMs` from answer to end. */
export const CallHandled = defineEvent({
  domain: 'acd',
  entity: 'call',
  verb: 'handled',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    queueId: EntityIdSchema,
    agentId: EntityIdSchema,
    talkMs: z.number().int().nonnegative(),
  }),
});

/**
 * A queue's statistics over the last 15 minutes, published periodically by the active router for
 * queues with calls (waiting now or offered in the window). Fractions 0-1, null when undefined.
 */
export const QueueStatsReported = defineEvent({
  domain: 'acd',
  entity: 'queue',
  verb: 'stats_reported',
  version: 1,
  payload: z.object({
    queueId: EntityIdSchema,
    windowMinutes: z.number().int().positive(),
    waitingCalls: z.number().int().nonnegative(),
    longestWaitSeconds: z.number().nonnegative(),
    offered: z.number().int().nonnegative(),
    answered: z.number().int().nonnegative(),
    abandoned: z.number().int().nonnegative(),
    /** Answered within the threshold / (answered + abandoned), abandons included. */
    serviceLevel: z.number().min(0).max(1).nullable(),
    serviceLevelExcludingShortAbandons: z.number().min(0).max(1).nullable(),
    serviceLevelThresholdSeconds: z.number().int().nonnegative(),
    asaSeconds: z.number().nonnegative().nullable(),
    ahtSeconds: z.number().nonnegative().nullable(),
    abandonmentRate: z.number().min(0).max(1).nullable(),
    occupancy: z.number().min(0).max(1).nullable(),
  }),
});

export const acdEvents = [
  AgentStateChanged,
  CallAssigned,
  CallEnqueued,
  CallAnsweredByAgent,
  CallRequeued,
  CallOverflowed,
  CallDequeued,
  CallHandled,
  QueueStatsReported,
] as const;
