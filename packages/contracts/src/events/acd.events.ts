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
  }),
});

export const acdEvents = [AgentStateChanged, CallAssigned] as const;
