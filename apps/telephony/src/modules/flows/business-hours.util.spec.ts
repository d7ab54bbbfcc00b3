import { isOpen } from './business-hours.util';

const hours = {
  weekly: { mon: [{ from: '09:00', to: '17:00' }], sat: [{ from: '10:00', to: '12:00' }] },
  holidays: ['2026-12-28'],
};

describe('isOpen', () => {
  it('reads the hours in the tenant zone', () => {
    // Monday 2026-11-23 08:30 UTC = 09:30 in Zurich (CET, +1).
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-11-23T08:30:00Z'))).toBe(true);
    expect(isOpen(hours, 'UTC', new Date('2026-11-23T08:30:00Z'))).toBe(false);
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-11-23T16:00:00Z'))).toBe(false);
  });

  it('follows daylight saving time (summer: +2)', () => {
    // Monday 2026-06-22 07:30 UTC = 09:30 CEST.
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-06-22T07:30:00Z'))).toBe(true);
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-06-22T06:30:00Z'))).toBe(false);
  });

  it('closes holidays and days without hours', () => {
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-12-28T10:00:00Z'))).toBe(false);
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-11-24T10:00:00Z'))).toBe(false);
    expect(isOpen(hours, 'Europe/Zurich', new Date('2026-11-28T10:30:00Z'))).toBe(true);
  });
});
