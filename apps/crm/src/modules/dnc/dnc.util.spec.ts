import { decideDnc, type DncListEntry } from './dnc.util';

const now = new Date('2026-11-23T12:00:00Z');
const entry = (over: Partial<DncListEntry> = {}): DncListEntry => ({
  e164: '+41446681800',
  reason: 'customer asked',
  source: 'agent',
  expiresAt: null,
  ...over,
});

describe('decideDnc', () => {
  it('lets a number through that no list holds', () => {
    expect(decideDnc('044 668 18 00', '+41446681800', {}, now)).toMatchObject({
      blocked: false,
      scope: null,
    });
  });

  it('blocks on the tenant list until the entry expires', () => {
    const expiring = entry({ expiresAt: new Date('2026-11-24T00:00:00Z') });
    expect(decideDnc('x', '+41446681800', { tenant: expiring }, now)).toMatchObject({
      blocked: true,
      scope: 'tenant',
      reason: 'customer asked',
    });
    const later = new Date('2026-11-24T00:00:01Z');
    expect(decideDnc('x', '+41446681800', { tenant: expiring }, later).blocked).toBe(false);
  });

  it('reports the operator list first when both hold the number', () => {
    const verdict = decideDnc(
      'x',
      '+41446681800',
      { tenant: entry(), operator: entry({ reason: 'regulator' }) },
      now,
    );
    expect(verdict).toMatchObject({ blocked: true, scope: 'operator', reason: 'regulator' });
  });

  it('blocks a number that does not parse', () => {
    expect(decideDnc('garbage', null, {}, now)).toMatchObject({ blocked: true, invalidNumber: true });
  });
});
