import { z } from 'zod';
import { EntityIdSchema } from '../common/ids';
import { defineEvent } from './envelope';

/**
 * An agent's quality score changed: an evaluation was submitted or a dispute resolved, or evaluations
 * aged out of the tenant's window (`cause: 'ageing'`, without an evaluation id). The score is
 * the mean percent (0-100) of the agent's evaluations submitted in the tenant's window; acd may
 * use it to send top-tier customers to the best agents.
 */
export const AgentScoreChanged = defineEvent({
  domain: 'qa',
  entity: 'agent',
  verb: 'score_changed',
  version: 1,
  payload: z.object({
    agentId: EntityIdSchema,
    teamId: EntityIdSchema.optional(),
    /** 0-100; null when no evaluation is left in the window. */
    score: z.number().min(0).max(100).nullable(),
    previousScore: z.number().min(0).max(100).nullable(),
    evaluationCount: z.number().int().nonnegative(),
    criticalFailCount: z.number().int().nonnegative(),
    windowDays: z.number().int().positive(),
    /** Why the score moved; absent in facts written before ageing existed (then: an evaluation). */
    cause: z.enum(['evaluation', 'ageing']).optional(),
    /** The evaluation whose submission (or resolution) changed the score; absent for ageing. */
    evaluationId: EntityIdSchema.optional(),
  }),
});

export const qaEvents = [AgentScoreChanged] as const;
