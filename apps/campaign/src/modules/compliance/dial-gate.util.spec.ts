import fc from 'fast-check';
import { checkCallingWindow } from './calling-window.util';
import { gateDial } from './dial-gate.util';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Kolkata',
];

describe('gateDial', () => {
  const base = {
    destination: '+12125551234',
    callerId: '+12125550000',
    calleeZones: ['America/New_York'],
    doNotCall: false,
    attemptsMade: 0,
    maxAttempts: 3,
  };
  const noonNy = new Date('2026-06-10T16:00:00Z');

  it('allows a legal dial', () => {
    expect(gateDial(base, noonNy)).toEqual({ allowed: true });
  });

  it('refuses do-not-call first, then a missing caller id, exhausted attempts and the hour', () => {
    expect(gateDial({ ...base, doNotCall: true, callerId: '' }, new Date('2026-06-10T03:00:00Z'))).toEqual({
      allowed: false,
      reason: 'do_not_call',
    });
    expect(gateDial({ ...base, callerId: undefined }, noonNy)).toMatchObject({ reason: 'no_caller_id' });
    expect(gateDial({ ...base, callerId: '12345' }, noonNy)).toMatchObject({ reason: 'no_caller_id' });
    expect(gateDial({ ...base, attemptsMade: 3 }, noonNy)).toMatchObject({ reason: 'attempts_exhausted' });
    expect(gateDial(base, new Date('2026-06-10T03:00:00Z'))).toMatchObject({ reason: 'outside_hours' });
  });

  it('property: over random contact lists, zones and clocks no dial goes to a DNC number or outside the window', () => {
    const contact = fc.record({
      destination: fc.constantFrom('+12125551234', '+4930123456', '+61291234567'),
      callerId: fc.option(fc.constantFrom('+12125550000', '+4930000000', 'bogus'), { nil: undefined }),
      calleeZones: fc.subarray(ZONES, { minLength: 0, maxLength: 3 }),
      doNotCall: fc.boolean(),
      attemptsMade: fc.integer({ min: 0, max: 5 }),
      maxAttempts: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(contact, { minLength: 1, maxLength: 30 }),
        fc.date({
          min: new Date('2025-01-01T00:00:00Z'),
          max: new Date('2027-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (contacts, at) => {
          for (const c of contacts) {
            const verdict = gateDial(c, at);
            if (!verdict.allowed) continue;
            expect(c.doNotCall).toBe(false);
            expect(c.callerId).toMatch(/^\+\d+$/);
            expect(c.attemptsMade).toBeLessThan(c.maxAttempts);
            expect(c.calleeZones.length).toBeGreaterThan(0);
            for (const zone of c.calleeZones) {
              const hour = Number(
                new Intl.DateTimeFormat('en-US', {
                  timeZone: zone,
                  hour: '2-digit',
                  hourCycle: 'h23',
                }).format(at),
              );
              expect(hour).toBeGreaterThanOrEqual(8);
              expect(hour).toBeLessThan(21);
            }
            expect(checkCallingWindow(c.calleeZones, at).allowed).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
