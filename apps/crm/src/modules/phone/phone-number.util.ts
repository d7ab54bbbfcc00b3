import { normalizePhoneNumber, type NormalizedPhoneNumber } from '@cc/contracts';

/** ISO 3166-1 alpha-2, as tenants configure their default country. */
export const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/** The phone keypad: vanity numbers such as `1-800-FLOWERS` dial these digits. */
const KEYPAD: Readonly<Record<string, string>> = {
  A: '2',
  B: '2',
  C: '2',
  D: '3',
  E: '3',
  F: '3',
  G: '4',
  H: '4',
  I: '4',
  J: '5',
  K: '5',
  L: '5',
  M: '6',
  N: '6',
  O: '6',
  P: '7',
  Q: '7',
  R: '7',
  S: '7',
  T: '8',
  U: '8',
  V: '8',
  W: '9',
  X: '9',
  Y: '9',
  Z: '9',
};

/** A trailing extension in the forms people write it: `ext. 12`, `x12`, `#12`, `;ext=12`. */
const EXTENSION = /(?:;\s*ext=|\s*(?:ext\.?|extension|x|#)\s*)(\d{1,10})\s*$/i;

export type PhoneParseResult =
  { ok: true; number: NormalizedPhoneNumber } | { ok: false; reason: 'empty' | 'letters' | 'not_a_number' };

/**
 * Normalizes what a person or a system typed to E.164 (see normalizePhoneNumber in contracts, which
 * does the libphonenumber work). Before that it settles the two cases libphonenumber gets wrong for
 * us: vanity numbers (upper-case letters become keypad digits: `1-800-FLOWERS`) and prose (lower-case
 * words are refused, where libphonenumber would silently keep the digits before them). The extension
 * is kept apart and re-attached so libphonenumber reports it.
 */
export function parsePhoneNumber(raw: string, defaultCountry?: string): PhoneParseResult {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return { ok: false, reason: 'empty' };
  const extensionMatch = EXTENSION.exec(trimmed);
  const main = extensionMatch ? trimmed.slice(0, extensionMatch.index) : trimmed;
  const extension = extensionMatch?.[1];
  if (/[a-z]/.test(main)) return { ok: false, reason: 'letters' };
  let dialable = main;
  if (/[A-Z]/.test(main)) {
    // A vanity number starts like a number: a `+` or at least one digit before its letters.
    if (!/^\s*(\+|\d)/.test(main)) return { ok: false, reason: 'letters' };
    dialable = main.replace(/[A-Z]/g, (letter) => KEYPAD[letter] ?? letter);
  }
  const country = defaultCountry && COUNTRY_PATTERN.test(defaultCountry) ? defaultCountry : undefined;
  const normalized = normalizePhoneNumber(extension ? `${dialable} ext. ${extension}` : dialable, country);
  if (!normalized) return { ok: false, reason: 'not_a_number' };
  return { ok: true, number: { ...normalized, raw } };
}

export const PHONE_REASON_MESSAGES: Readonly<
  Record<Exclude<PhoneParseResult, { ok: true }>['reason'], string>
> = {
  empty: 'is empty',
  letters: 'is not a phone number (it holds words)',
  not_a_number: 'is not a possible phone number (for a national number, set the country)',
};
