import { normalizePhoneNumber, type NormalizedPhoneNumber } from '@cc/contracts';
import { getCountries, getCountryCallingCode, Metadata } from 'libphonenumber-js';

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
  const fast = fastE164(trimmed) ?? fastNational(trimmed, defaultCountry);
  if (fast) return { ok: true, number: { e164: fast.e164, country: fast.country, raw } };
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

/** A calling code whose number plan allows the E.164 fast path. */
interface FastPlan {
  code: string;
  country: string;
  possibleLengths: ReadonlySet<number>;
  nationalPrefix: string | undefined;
  /** The country's international dialling prefix (`00`, `0(?:0|1[2-9])` in Israel): such input is international. */
  internationalPrefix: RegExp | undefined;
}

const STRICT_E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Calling codes of exactly one country whose national prefix is plain (no parsing rule or
 * transform): for these, libphonenumber's verdict on a `+<code><digits>` string depends only on the
 * number of digits and on whether they start with the national prefix, so it can be decided here.
 */
/** The parts of libphonenumber-js's Metadata used here; its typings leave these runtime methods out. */
interface PlanMetadata {
  getCountryCodesForCallingCode(code: string): string[] | undefined;
  selectNumberingPlan(country: string): void;
  numberingPlan?: {
    possibleLengths(): number[];
    nationalPrefix(): string | undefined;
    nationalPrefixForParsing(): string | undefined;
    nationalPrefixTransformRule(): string | undefined;
    IDDPrefix(): string | undefined;
  };
}

const FAST_PLANS: ReadonlyMap<string, FastPlan> = (() => {
  const metadata = new Metadata() as unknown as PlanMetadata;
  const plans = new Map<string, FastPlan>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    if (metadata.getCountryCodesForCallingCode(code)?.length !== 1) continue;
    metadata.selectNumberingPlan(country);
    const plan = metadata.numberingPlan;
    const idd = plan?.IDDPrefix();
    if (!plan) continue;
    const prefix = plan.nationalPrefix();
    const forParsing = plan.nationalPrefixForParsing();
    if (plan.nationalPrefixTransformRule() || (forParsing && forParsing !== prefix)) continue;
    plans.set(code, {
      code,
      country,
      possibleLengths: new Set(plan.possibleLengths()),
      nationalPrefix: prefix || undefined,
      internationalPrefix: idd ? new RegExp(`^(?:${idd})`) : undefined,
    });
  }
  return plans;
})();

/**
 * Input already in strict E.164 (what telephony and dialers send) is settled without a
 * libphonenumber parse, which is most of a 10,000-number do-not-call check and of a screen pop.
 * Undefined means "ask libphonenumber" (any other form, shared calling codes, national prefixes);
 * a spec holds this equal to the full parse on random numbers of every fast calling code.
 */
export function fastE164(input: string): FastParse | undefined {
  if (!STRICT_E164.test(input)) return undefined;
  // Calling codes are prefix-free: at most one of the 1-, 2- and 3-digit prefixes is assigned.
  for (let length = 1; length <= 3; length++) {
    const plan = FAST_PLANS.get(input.slice(1, 1 + length));
    if (!plan) continue;
    const national = input.slice(1 + length);
    if (plan.nationalPrefix && national.startsWith(plan.nationalPrefix)) return undefined;
    return plan.possibleLengths.has(national.length) ? { e164: input, country: plan.country } : undefined;
  }
  return undefined;
}

export interface FastParse {
  e164: string;
  country: string;
}

const FAST_PLAN_BY_COUNTRY: ReadonlyMap<string, FastPlan> = new Map(
  [...FAST_PLANS.values()].map((plan) => [plan.country, plan]),
);

/** Digits with the separators people type (spaces, dashes, dots, slashes, parentheses); nothing else. */
const NATIONAL_FORM = /^[\d\s\-./()]{6,32}$/;

/**
 * A national number of the tenant's default country written with its national prefix
 * (`030 2000 0001`, `(030) 2000-0001` in Germany) when that country's prefix is plain: drop the
 * separators and the prefix, check the length. Anything else goes to libphonenumber; a spec holds
 * this equal to the full parse on random national numbers of every fast country.
 */
export function fastNational(input: string, defaultCountry: string | undefined): FastParse | undefined {
  if (!defaultCountry || !NATIONAL_FORM.test(input)) return undefined;
  const plan = FAST_PLAN_BY_COUNTRY.get(defaultCountry);
  if (!plan?.nationalPrefix) return undefined;
  const digits = input.replace(/[\s\-./()]/g, '');
  if (!digits.startsWith(plan.nationalPrefix) || digits.startsWith('00')) return undefined;
  if (plan.internationalPrefix?.test(digits)) return undefined;
  const national = digits.slice(plan.nationalPrefix.length);
  if (national.startsWith('0') || !plan.possibleLengths.has(national.length)) return undefined;
  return { e164: `+${plan.code}${national}`, country: plan.country };
}

/** The countries whose national numbers the fast path decides (for its spec). */
export const FAST_NATIONAL_COUNTRIES: readonly string[] = [...FAST_PLAN_BY_COUNTRY.values()]
  .filter((plan) => plan.nationalPrefix)
  .map((plan) => plan.country);

/** The calling codes the fast path decides (for its spec). */
export const FAST_E164_CALLING_CODES: readonly string[] = [...FAST_PLANS.keys()];
