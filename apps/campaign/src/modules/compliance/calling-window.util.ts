import { DateTime, IANAZone } from 'luxon';

/** A local time of day, minutes after midnight (8:00 = 480). */
export type MinuteOfDay = number;

/** The law's window, in the callee's local time: 8:00 to 21:00. */
export const LEGAL_WINDOW = { startMinute: 8 * 60, endMinute: 21 * 60 } as const;

/**
 * A tenant's own restrictions, narrower than the law (never wider: the legal window always applies).
 * `weekdays` are ISO (1 = Monday ... 7 = Sunday); `holidays` are local dates (yyyy-MM-dd) of the callee.
 */
export interface CallingRestrictions {
  readonly startMinute?: MinuteOfDay;
  readonly endMinute?: MinuteOfDay;
  readonly weekdays?: readonly number[];
  readonly holidays?: readonly string[];
}

export type WindowVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: 'unknown_zone' | 'outside_hours' | 'weekday' | 'holiday';
      /** The zone that refused (the most restrictive of the callee's zones). */
      readonly zone?: string;
    };

/**
 * May the callee be rung at `at`? It must be allowed in EVERY zone the callee may be in (a number that
 * spans several zones gets the most restrictive answer): inside the legal 8:00-21:00, inside the
 * tenant's hours, on an allowed weekday and not a holiday, each in that zone's local time (luxon, so
 * daylight-saving changes are the zone's own). The end is exclusive: a call at 21:00 is refused.
 */
export function checkCallingWindow(
  zones: readonly string[],
  at: Date,
  restrictions: CallingRestrictions = {},
): WindowVerdict {
  const valid = zones.filter((z) => IANAZone.isValidZone(z));
  if (valid.length === 0) return { allowed: false, reason: 'unknown_zone' };
  const start = Math.max(LEGAL_WINDOW.startMinute, restrictions.startMinute ?? 0);
  const end = Math.min(LEGAL_WINDOW.endMinute, restrictions.endMinute ?? 24 * 60);
  for (const zone of valid) {
    const local = DateTime.fromJSDate(at, { zone });
    const minute = local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60_000;
    if (minute < start || minute >= end) return { allowed: false, reason: 'outside_hours', zone };
    if (restrictions.weekdays && !restrictions.weekdays.includes(local.weekday)) {
      return { allowed: false, reason: 'weekday', zone };
    }
    if (restrictions.holidays?.includes(local.toISODate() ?? ''))
      return { allowed: false, reason: 'holiday', zone };
  }
  return { allowed: true };
}

/**
 * The first instant at or after `from` when `checkCallingWindow` allows the call, searched minute by
 * minute across `days` days (undefined when never: e.g. zones whose windows do not overlap).
 */
export function nextCallingTime(
  zones: readonly string[],
  from: Date,
  restrictions: CallingRestrictions = {},
  days = 8,
): Date | undefined {
  const stepMs = 60_000;
  // Coarse 15-minute steps, then back to the first allowed minute.
  let t = Math.ceil(from.getTime() / stepMs) * stepMs;
  if (checkCallingWindow(zones, new Date(from), restrictions).allowed) return new Date(from);
  const limit = from.getTime() + days * 86_400_000;
  while (t <= limit) {
    if (checkCallingWindow(zones, new Date(t), restrictions).allowed) {
      let back = t;
      while (
        back - stepMs > from.getTime() &&
        checkCallingWindow(zones, new Date(back - stepMs), restrictions).allowed
      ) {
        back -= stepMs;
      }
      return new Date(back);
    }
    t += 15 * stepMs;
  }
  return undefined;
}
