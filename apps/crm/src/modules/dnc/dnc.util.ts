/** One entry of a do-not-call list (the tenant's or the operator's). */
export interface DncListEntry {
  e164: string;
  reason: string;
  source: string;
  expiresAt: Date | null;
}

export type DncScope = 'tenant' | 'operator';

export interface DncVerdict {
  /** As asked. */
  input: string;
  e164: string | null;
  blocked: boolean;
  invalidNumber: boolean;
  scope: DncScope | null;
  reason: string | null;
  expiresAt: Date | null;
}

export function isActive(entry: DncListEntry, now: Date): boolean {
  return entry.expiresAt === null || entry.expiresAt.getTime() > now.getTime();
}

/**
 * May this number be called? An expired entry no longer blocks; the operator's list wins over the
 * tenant's (it is the stricter authority, e.g. a regulator's register); a number that does not
 * parse is blocked, because dialling garbage is never right.
 */
export function decideDnc(
  input: string,
  e164: string | null,
  entries: { tenant?: DncListEntry | undefined; operator?: DncListEntry | undefined },
  now: Date,
): DncVerdict {
  if (e164 === null) {
    return {
      input,
      e164: null,
      blocked: true,
      invalidNumber: true,
      scope: null,
      reason: 'invalid_number',
      expiresAt: null,
    };
  }
  const operator = entries.operator && isActive(entries.operator, now) ? entries.operator : undefined;
  const tenant = entries.tenant && isActive(entries.tenant, now) ? entries.tenant : undefined;
  const hit = operator ?? tenant;
  if (!hit) {
    return { input, e164, blocked: false, invalidNumber: false, scope: null, reason: null, expiresAt: null };
  }
  return {
    input,
    e164,
    blocked: true,
    invalidNumber: false,
    scope: operator ? 'operator' : 'tenant',
    reason: hit.reason,
    expiresAt: hit.expiresAt,
  };
}
