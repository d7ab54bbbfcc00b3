import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/** An E.164 number: `+` then 8-15 digits. The one form we store and compare. */
export const E164Schema = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number such as +15551234567');
export type E164 = z.infer<typeof E164Schema>;

export interface NormalizedPhoneNumber {
  e164: E164;
  /** As it arrived (kept for display and audit). */
  raw: string;
  country?: string;
  extension?: string;
}

/**
 * Normalizes a phone number from any form it may arrive in (national format, spaces, extensions,
 * `00` international prefix) to E.164. Returns undefined when it is not a possible number.
 */
export function normalizePhoneNumber(
  raw: string,
  defaultCountry?: string,
): NormalizedPhoneNumber | undefined {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return undefined;
  const candidate = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isPossible()) return undefined;
  const result: NormalizedPhoneNumber = { e164: parsed.number, raw };
  if (parsed.country) result.country = parsed.country;
  if (parsed.ext) result.extension = parsed.ext;
  return result;
}
