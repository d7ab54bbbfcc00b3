import { normalizePhoneNumber } from './phone-number';

describe('normalizePhoneNumber', () => {
  it.each([
    ['+1 (555) 123-4567', undefined, '+15551234567'],
    ['555-123-4567', 'US', '+15551234567'],
    ['0049 30 1234567', undefined, '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
  ])('%s (default %s) -> %s', (raw, country, e164) => {
    expect(normalizePhoneNumber(raw, country)?.e164).toBe(e164);
  });

  it('keeps the raw form and the extension', () => {
    const n = normalizePhoneNumber('+1 202 456 1111 ext. 89');
    expect(n).toMatchObject({
      e164: '+12024561111',
      raw: '+1 202 456 1111 ext. 89',
      extension: '89',
      country: 'US',
    });
  });

  it('returns undefined for what cannot be a phone number', () => {
    expect(normalizePhoneNumber('hello')).toBeUndefined();
    expect(normalizePhoneNumber('12')).toBeUndefined();
    expect(normalizePhoneNumber('555-123-4567')).toBeUndefined(); // national form without a country
    expect(normalizePhoneNumber('')).toBeUndefined();
  });
});
