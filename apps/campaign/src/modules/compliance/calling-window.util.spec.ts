import fc from 'fast-check';
import { checkCallingWindow, nextCallingTime } from './calling-window.util';

/** An oracle apart from luxon: the local wall clock of `zone` at `at` by Intl. */
function localParts(zone: string, at: Date): { minute: number; weekday: number; date: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)!.value;
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    minute: Number(get('hour')) * 60 + Number(get('minute')),
    weekday: weekdays.indexOf(get('weekday')) + 1,
    date: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'America/St_Johns',
  'Europe/Berlin',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
];

describe('checkCallingWindow', () => {
  it('allows 8:00 to 20:59 local and refuses 7:59 and 21:00 (New York, winter)', () => {
    const ny = ['America/New_York'];
    expect(checkCallingWindow(ny, new Date('2026-01-15T12:59:00Z')).allowed).toBe(false); // 7:59 EST
    expect(checkCallingWindow(ny, new Date('2026-01-15T13:00:00Z')).allowed).toBe(true); // 8:00
    expect(checkCallingWindow(ny, new Date('2026-01-16T01:59:00Z')).allowed).toBe(true); // 20:59
    expect(checkCallingWindow(ny, new Date('2026-01-16T02:00:00Z'))).toEqual({
      allowed: false,
      reason: 'outside_hours',
      zone: 'America/New_York',
    });
  });

  it('follows the daylight-saving change of the callee, not UTC', () => {
    const ny = ['America/New_York'];
    // 2026-03-08: clocks go 2:00 -> 3:00. 12:30Z is 8:30 EDT (it would be 7:30 EST).
    expect(checkCallingWindow(ny, new Date('2026-03-08T12:30:00Z')).allowed).toBe(true);
    expect(checkCallingWindow(ny, new Date('2026-03-07T12:30:00Z')).allowed).toBe(false);
  });

  it('takes the most restrictive zone of a number that spans several', () => {
    const both = ['America/New_York', 'America/Los_Angeles'];
    // 9:00 in New York is 6:00 in Los Angeles.
    expect(checkCallingWindow(both, new Date('2026-01-15T14:00:00Z'))).toMatchObject({
      allowed: false,
      zone: 'America/Los_Angeles',
    });
    // 20:30 in New York is 17:30 in Los Angeles; 21:30 NY is refused though LA is 18:30.
    expect(checkCallingWindow(both, new Date('2026-01-16T01:30:00Z')).allowed).toBe(true);
    expect(checkCallingWindow(both, new Date('2026-01-16T02:30:00Z')).allowed).toBe(false);
  });

  it('refuses an unknown zone, a holiday, a weekday the tenant excludes, and hours outside its own window', () => {
    expect(checkCallingWindow([], new Date())).toEqual({ allowed: false, reason: 'unknown_zone' });
    expect(checkCallingWindow(['Etc/Unknown'], new Date())).toEqual({
      allowed: false,
      reason: 'unknown_zone',
    });
    const noon = new Date('2026-12-25T11:00:00Z'); // 12:00 in Berlin, a Friday
    expect(checkCallingWindow(['Europe/Berlin'], noon, { holidays: ['2026-12-25'] })).toMatchObject({
      reason: 'holiday',
    });
    expect(checkCallingWindow(['Europe/Berlin'], noon, { weekdays: [1, 2, 3, 4] })).toMatchObject({
      reason: 'weekday',
    });
    expect(checkCallingWindow(['Europe/Berlin'], noon, { startMinute: 13 * 60 })).toMatchObject({
      reason: 'outside_hours',
    });
    // A tenant cannot widen the law: 22:00 stays refused.
    expect(
      checkCallingWindow(['Europe/Berlin'], new Date('2026-12-21T21:00:00Z'), {
        startMinute: 0,
        endMinute: 1440,
      }).allowed,
    ).toBe(false);
  });

  it('property: an allowed call is between 8:00 and 21:00, on an allowed day, in every zone of the callee', () => {
    fc.assert(
      fc.property(
        fc.subarray(ZONES, { minLength: 1, maxLength: 4 }),
        // 2024-2028: several daylight-saving changes in every zone that has them.
        fc.date({
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2028-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.record({
          startMinute: fc.option(fc.integer({ min: 0, max: 1439 }), { nil: undefined }),
          endMinute: fc.option(fc.integer({ min: 1, max: 1440 }), { nil: undefined }),
          weekdays: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }), { nil: undefined }),
        }),
        (zones, at, restrictions) => {
          const verdict = checkCallingWindow(zones, at, restrictions);
          const inAll = zones.every((zone) => {
            const local = localParts(zone, at);
            return (
              local.minute >= Math.max(480, restrictions.startMinute ?? 0) &&
              local.minute < Math.min(1260, restrictions.endMinute ?? 1440) &&
              (!restrictions.weekdays || restrictions.weekdays.includes(local.weekday))
            );
          });
          expect(verdict.allowed).toBe(inAll);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('nextCallingTime', () => {
  it('finds 8:00 local the next morning for a call refused at night', () => {
    const next = nextCallingTime(['America/Chicago'], new Date('2026-01-15T04:10:00Z')); // 22:10 CST
    expect(next?.toISOString()).toBe('2026-01-15T14:00:00.000Z');
  });

  it('answers undefined for zones whose windows never overlap', () => {
    // Three 13-hour windows eight hours apart (Los Angeles, London, Singapore in January) share no instant.
    const zones = ['America/Los_Angeles', 'Europe/London', 'Asia/Singapore'];
    expect(nextCallingTime(zones, new Date('2026-01-15T00:00:00Z'), {}, 3)).toBeUndefined();
  });
});
