import { defineEvent, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

/**
 * crm's facts. Kept in the app until they move to @cc/contracts (events/crm.events.ts), where
 * consumers (acd, gateway webhooks) will import them from.
 */
const TierName = z.enum(['unspecified', 'low', 'medium', 'high', 'top']);

/** A customer's value tier changed after their lifetime value (or the tenant's ranking) changed. */
export const CustomerTierChanged = defineEvent({
  domain: 'crm',
  entity: 'customer',
  verb: 'tier_changed',
  version: 1,
  payload: z.object({
    customerId: EntityIdSchema,
    from: TierName,
    to: TierName,
    /** callcenter.common.v1.ValueTier numbers, for consumers that work with the proto enum. */
    fromTier: z.number().int().min(0).max(4),
    toTier: z.number().int().min(0).max(4),
    /** Minor units of `currency`, as a decimal string (it may exceed 2^53). */
    lifetimeValueMinor: z.string().regex(/^-?\d+$/),
    currency: z.string().length(3),
  }),
});

export const crmEvents = [CustomerTierChanged] as const;
