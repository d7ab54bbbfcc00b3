import { parsePhoneNumber } from './phone-number.util';

/**
 * Remembers recent normalizations (input + default country -> E.164 or null). A dialer checks the
 * same contact lists against do-not-call again and again, and libphonenumber's parse (~10-25 µs) is
 * most of a 10,000-number check. Bounded: the oldest entries go first.
 */
export class PhoneNormalizationCache {
  private readonly entries = new Map<string, string | null>();

  constructor(private readonly capacity = 200_000) {}

  e164(raw: string, defaultCountry: string | undefined): string | null {
    const key = `${defaultCountry ?? ''}|${raw}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const parsed = parsePhoneNumber(raw, defaultCountry);
    const value = parsed.ok ? parsed.number.e164 : null;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    return value;
  }
}
