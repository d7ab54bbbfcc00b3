import { parsePhoneNumber } from './phone-number.util';

function e164(raw: string, country?: string): string | undefined {
  const result = parsePhoneNumber(raw, country);
  return result.ok ? result.number.e164 : undefined;
}

describe('parsePhoneNumber', () => {
  it.each([
    ['+41 44 668 18 00', undefined, '+41446681800'],
    ['0041 44 668 18 00', undefined, '+41446681800'],
    ['044 668 18 00', 'CH', '+41446681800'],
    ['(030) 1234567', 'DE', '+49301234567'],
    ['+1 (415) 555-2671', 'DE', '+14155552671'],
    ['415.555.2671', 'US', '+14155552671'],
    ['  +44 20 7946 0958  ', undefined, '+442079460958'],
  ])('normalizes %s (default %s) to %s', (raw, country, expected) => {
    expect(e164(raw, country)).toBe(expected);
  });

  it('keeps the extension apart and the raw form as typed', () => {
    for (const raw of [
      '+1 415 555 2671 ext. 89',
      '+1 415 555 2671 x89',
      '+1 415 555 2671;ext=89',
      '+14155552671 #89',
    ]) {
      const result = parsePhoneNumber(raw);
      expect(result).toEqual({
        ok: true,
        number: expect.objectContaining({ e164: '+14155552671', extension: '89', raw }),
      });
    }
  });

  it('dials the letters of a vanity number on the keypad', () => {
    expect(e164('1-800-FLOWERS', 'US')).toBe('+18003569377');
    expect(e164('+1 800 FLOWERS')).toBe('+18003569377');
  });

  it('refuses words and garbage, saying why', () => {
    expect(parsePhoneNumber('call me at 555', 'US')).toEqual({ ok: false, reason: 'letters' });
    expect(parsePhoneNumber('FLOWERS', 'US')).toEqual({ ok: false, reason: 'letters' });
    expect(parsePhoneNumber('', 'US')).toEqual({ ok: false, reason: 'empty' });
    expect(parsePhoneNumber('12', 'US')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(parsePhoneNumber('+999 123 456 789')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(parsePhoneNumber('1234567890123456789', 'US')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(parsePhoneNumber('%%%')).toEqual({ ok: false, reason: 'not_a_number' });
  });

  it('needs a country for a national number and ignores a malformed one', () => {
    expect(e164('044 668 18 00')).toBeUndefined();
    expect(e164('044 668 18 00', 'ch')).toBeUndefined();
  });
});
