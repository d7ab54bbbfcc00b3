import { defineEvent, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

/**
 * campaign's facts. Kept in the app until they move to @cc/contracts (events/campaign.events.ts),
 * where consumers (gateway webhooks, crm) will import them from.
 */
const State = z.enum(['draft', 'running', 'paused', 'stopped']);

export const CampaignStateChanged = defineEvent({
  domain: 'campaign',
  entity: 'campaign',
  verb: 'state_changed',
  version: 1,
  payload: z.object({ campaignId: EntityIdSchema, from: State, to: State }),
});

const AttemptRef = { campaignId: EntityIdSchema, attemptId: EntityIdSchema, contactId: EntityIdSchema };

export const AttemptStarted = defineEvent({
  domain: 'campaign',
  entity: 'attempt',
  verb: 'started',
  version: 1,
  payload: z.object({ ...AttemptRef, callId: EntityIdSchema.optional(), destination: z.string().max(32) }),
});

export const AttemptAnswered = defineEvent({
  domain: 'campaign',
  entity: 'attempt',
  verb: 'answered',
  version: 1,
  payload: z.object({ ...AttemptRef, callId: EntityIdSchema, agentId: EntityIdSchema }),
});

export const AttemptAbandoned = defineEvent({
  domain: 'campaign',
  entity: 'attempt',
  verb: 'abandoned',
  version: 1,
  payload: z.object({ ...AttemptRef, callId: EntityIdSchema }),
});

export const AttemptCompleted = defineEvent({
  domain: 'campaign',
  entity: 'attempt',
  verb: 'completed',
  version: 1,
  payload: z.object({ ...AttemptRef, callId: EntityIdSchema.optional(), outcome: z.string().max(32) }),
});
