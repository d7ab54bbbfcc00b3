import { z } from 'zod';

/**
 * Tenant ids appear inside NATS subjects (`cc.<tenantId>.…`), so they may not hold `.`, `*`, `>` or
 * whitespace. We allow a conservative slug: lowercase letters, digits, `_` and `-`, 2-64 chars.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{1,63}$/;

export const TenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'must be 2-64 chars of a-z, 0-9, "_" or "-", starting with a letter or digit');
export type TenantId = z.infer<typeof TenantIdSchema>;

/** Ids of entities we own: opaque strings, never empty, safe to log and to use in subjects. */
export const EntityIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'must hold only letters, digits, "_", ":", "." or "-"');

/** A subject token (one dot-free segment) such as a domain, entity or verb. */
export const SubjectTokenSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase token without dots');

export function isTenantId(value: unknown): value is TenantId {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

/**
 * The call id telephony gives the call whose caller leg is Asterisk channel `channelId` (facts, acd,
 * crm and the demo's checks all name the call by it).
 */
export function callIdForChannel(channelId: string): string {
  return `call-${channelId.replace(/[^A-Za-z0-9_:.-]/g, '_')}`;
}
