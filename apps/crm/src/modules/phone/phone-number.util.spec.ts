import {
  FAST_E164_CALLING_CODES,
  FAST_NATIONAL_COUNTRIES,
  fastE164,
  fastNational,
  parsePhoneNumber,
} from './phone-number.util';
import { normalizePhoneNumber } from '@cc/contracts';

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

describe('fastE164 (the E.164 fast path)', () => {
  it('covers the common single-country calling codes', () => {
    expect(FAST_E164_CALLING_CODES).toEqual(expect.arrayContaining(['49', '33', '34', '48']));
    expect(fastE164('+4930123456789')).toEqual({ e164: '+4930123456789', country: 'DE' });
  });

  it('leaves other forms, shared calling codes and national prefixes to libphonenumber', () => {
    for (const input of [
      '030 1234567',
      '004930123456',
      '+1 212 555 0100',
      '+12125550100',
      '+49030123456',
      '+4930ABC',
    ])
      expect(fastE164(input)).toBeUndefined();
  });

  it('agrees with the full libphonenumber parse on random numbers of every fast calling code', () => {
    // mulberry32: deterministic, so a disagreement is reproducible.
    let state = 20261123;
    const next = (): number => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    let decided = 0;
    for (const code of FAST_E164_CALLING_CODES) {
      for (let k = 0; k < 300; k++) {
        const length = 4 + (next() % 12);
        let digits = '';
        for (let d = 0; d < length; d++) digits += String(next() % 10);
        const input = `+${code}${digits}`;
        const fast = fastE164(input);
        if (!fast) continue;
        decided++;
        const full = normalizePhoneNumber(input);
        expect({ input, e164: full?.e164, country: full?.country }).toEqual({
          input,
          e164: input,
          country: fast.country,
        });
      }
    }
    expect(decided).toBeGreaterThan(1_000);
  });

  it('decides national numbers of fast countries exactly as the full parse does', () => {
    let state = 777;
    const next = (): number => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    const separators = [' ', '-', '', '.', '/'];
    let decided = 0;
    for (const country of FAST_NATIONAL_COUNTRIES) {
      for (let k = 0; k < 300; k++) {
        const length = 4 + (next() % 12);
        let digits = '0';
        for (let d = 0; d < length; d++) digits += String(next() % 10);
        const cut = 2 + (next() % 3);
        const input =
          next() % 4 === 0
            ? `(${digits.slice(0, cut)}) ${digits.slice(cut)}`
            : `${digits.slice(0, cut)}${separators[next() % separators.length]!}${digits.slice(cut)}`;
        const fast = fastNational(input, country);
        if (!fast) continue;
        decided++;
        const full = normalizePhoneNumber(input, country);
        expect({ input, country, e164: full?.e164 }).toEqual({ input, country, e164: fast.e164 });
      }
    }
    expect(decided).toBeGreaterThan(1_000);
    expect(fastNational('030 20000001', 'DE')).toEqual({ e164: '+493020000001', country: 'DE' });
  });
});
