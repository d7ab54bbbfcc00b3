import { DateTime } from 'luxon';
import { WEEKDAYS, type IvrStepOf } from './ivr-flow.schema';

/**
 * Whether `at` falls in the opening hours, read in `timeZone` (so DST shifts move the hours with the
 * local clock). Holidays close the whole local day.
 */
export function isOpen(
  hours: Pick<IvrStepOf<'hours'>, 'weekly' | 'holidays'>,
  timeZone: string,
  at: Date,
): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) return false;
  const day = local.toISODate();
  if (day !== null && hours.holidays.includes(day)) return false;
  const weekday = WEEKDAYS[local.weekday - 1];
  const intervals = weekday ? (hours.weekly[weekday] ?? []) : [];
  const hhmm = local.toFormat('HH:mm');
  return intervals.some((i) => hhmm >= i.from && hhmm < i.to);
}
