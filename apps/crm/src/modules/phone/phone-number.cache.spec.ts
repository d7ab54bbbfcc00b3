import { PhoneNormalizationCache } from './phone-number.cache';

describe('PhoneNormalizationCache', () => {
  it('answers as the parser does, per default country, while bounded in size', () => {
    const cache = new PhoneNormalizationCache(2);
    expect(cache.e164('044 668 18 00', 'CH')).toBe('+41446681800');
    expect(cache.e164('044 668 18 00', undefined)).toBeNull();
    expect(cache.e164('044 668 18 00', 'CH')).toBe('+41446681800');
    expect(cache.e164('garbage', 'CH')).toBeNull();
    expect(cache.e164('+41 44 668 18 00', 'CH')).toBe('+41446681800');
  });
});
