import type { OpeningInterval } from './configuration.types';

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `at` in `timeZone`: ISO weekday, minute of the day, date (YYYY-MM-DD). */
export function localTime(at: number, timeZone: string): { weekday: number; minute: number; date: string } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a queue with these opening hours takes calls at `at`: no hours = always open; a holiday
 * of the tenant (its local date) closes every queue that has hours.
 */
export function isOpen(
  hours: readonly OpeningInterval[],
  holidays: readonly string[],
  timeZone: string,
  at: number,
): boolean {
  if (hours.length === 0) return true;
  const local = localTime(at, timeZone);
  if (holidays.includes(local.date)) return false;
  return hours.some(
    (h) => h.weekday === local.weekday && local.minute >= h.startMinute && local.minute < h.endMinute,
  );
}
