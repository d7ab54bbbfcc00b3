import { isOpen, localTime } from './opening-hours.util';

describe('opening hours in the tenant zone', () => {
  const weekdays9to17 = [1, 2, 3, 4, 5].map((weekday) => ({
    weekday,
    startMinute: 9 * 60,
    endMinute: 17 * 60,
  }));

  it('reads the wall clock of the zone, not UTC', () => {
    // 2026-03-02 is a Monday; 08:30 UTC is 09:30 in Zurich (CET) and 03:30 in New York (EST).
    const at = Date.UTC(2026, 2, 2, 8, 30);
    expect(localTime(at, 'Europe/Zurich')).toEqual({ weekday: 1, minute: 9 * 60 + 30, date: '2026-03-02' });
    expect(isOpen(weekdays9to17, [], 'Europe/Zurich', at)).toBe(true);
    expect(isOpen(weekdays9to17, [], 'America/New_York', at)).toBe(false);
  });

  it('follows daylight saving time', () => {
    // 2026-07-06 (Monday) 07:30 UTC = 09:30 CEST (summer), would be 08:30 in winter time.
    expect(isOpen(weekdays9to17, [], 'Europe/Zurich', Date.UTC(2026, 6, 6, 7, 30))).toBe(true);
    expect(isOpen(weekdays9to17, [], 'Europe/Zurich', Date.UTC(2026, 6, 6, 6, 30))).toBe(false);
  });

  it('closes on holidays of the local date and at the interval end; no hours means always open', () => {
    const at = Date.UTC(2026, 11, 25, 10, 0); // Friday, Christmas
    expect(isOpen(weekdays9to17, ['2026-12-25'], 'Europe/Zurich', at)).toBe(false);
    expect(isOpen(weekdays9to17, ['2026-12-24'], 'Europe/Zurich', at)).toBe(true);
    expect(isOpen(weekdays9to17, [], 'UTC', Date.UTC(2026, 11, 25, 17, 0))).toBe(false);
    expect(isOpen(weekdays9to17, [], 'UTC', Date.UTC(2026, 11, 26, 10, 0))).toBe(false); // Saturday
    expect(isOpen([], ['2026-12-25'], 'UTC', at)).toBe(true);
  });
});
