import type { FieldViolation } from '@cc/contracts';
import { PHONE_REASON_MESSAGES, parsePhoneNumber } from '../phone/phone-number.util';
import {
  type CustomFieldDefinition,
  type CustomFieldValues,
  validateCustomFields,
} from './custom-field.util';
import { type CustomerPhone, type CustomerRecord, defaultDisplayName, searchNames } from './customer.model';
import type { Address, CreateCustomerInput, PhoneInput, UpdateCustomerInput } from './customer.schema';

/** What the tenant's configuration contributes to validating a customer. */
export interface PreparationContext {
  defaultCountry: string | null;
  definitions: readonly CustomFieldDefinition[];
}

/** A customer ready to be written: normalized, validated, with derived search keys. */
export interface PreparedCustomer {
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  searchName: string;
  searchNameReversed: string;
  language: string | null;
  timeZone: string | null;
  emails: string[];
  addresses: Address[];
  phones: CustomerPhone[];
  externalRef: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  consentRecording: boolean;
  consentMarketing: boolean;
}

export type Prepared<T> = { ok: true; value: T } | { ok: false; violations: FieldViolation[] };

function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

/** Normalizes phone inputs to E.164 (tenant default country), dropping repeats of one number. */
export function preparePhones(
  inputs: readonly PhoneInput[],
  defaultCountry: string | null,
  prefix = '',
): Prepared<CustomerPhone[]> {
  const phones: CustomerPhone[] = [];
  const violations: FieldViolation[] = [];
  inputs.forEach((input, i) => {
    const parsed = parsePhoneNumber(input.number, defaultCountry ?? undefined);
    if (!parsed.ok) {
      violations.push({
        field: join(prefix, `phoneNumbers.${i}.number`),
        rule: `phone_${parsed.reason}`,
        message: PHONE_REASON_MESSAGES[parsed.reason],
      });
      return;
    }
    if (phones.some((p) => p.e164 === parsed.number.e164)) return;
    phones.push({
      e164: parsed.number.e164,
      raw: input.number,
      extension: parsed.number.extension ?? null,
      kind: input.kind,
    });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, value: phones };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Validates and normalizes a new customer. `prefix` names the fields of a CSV line (`lines.7`). */
export function prepareCustomer(
  input: CreateCustomerInput,
  context: PreparationContext,
  options: { fromText?: boolean; prefix?: string } = {},
): Prepared<PreparedCustomer> {
  const prefix = options.prefix ?? '';
  const phones = preparePhones(input.phoneNumbers, context.defaultCountry, prefix);
  const fields = validateCustomFields(input.customFields, context.definitions, {
    fromText: options.fromText ?? false,
    fieldPrefix: join(prefix, 'customFields'),
  });
  const violations = [...(phones.ok ? [] : phones.violations), ...fields.violations];
  if (!phones.ok || violations.length > 0) return { ok: false, violations };
  const emails = unique(input.emails.map((e) => e.toLowerCase()));
  const firstName = input.firstName ?? null;
  const lastName = input.lastName ?? null;
  const displayName =
    input.displayName ?? defaultDisplayName({ firstName, lastName, phones: phones.value, emails });
  return {
    ok: true,
    value: {
      firstName,
      lastName,
      displayName,
      ...searchNames(firstName, lastName, displayName),
      language: input.language ?? null,
      timeZone: input.timeZone ?? null,
      emails,
      addresses: input.addresses,
      phones: phones.value,
      externalRef: input.externalRef ?? null,
      tags: unique(input.tags),
      customFields: fields.values,
      consentRecording: input.consent.recording,
      consentMarketing: input.consent.marketing,
    },
  };
}

/**
 * Applies a patch to a customer: returns the whole customer as it will be (the repository writes
 * all of it under the version check), or the violations.
 */
export function applyCustomerPatch(
  current: CustomerRecord,
  patch: UpdateCustomerInput,
  context: PreparationContext,
  options: { fromText?: boolean } = {},
): Prepared<PreparedCustomer> {
  const violations: FieldViolation[] = [];
  let phones: CustomerPhone[] = current.phoneNumbers;
  if (patch.phoneNumbers !== undefined) {
    const prepared = preparePhones(patch.phoneNumbers, context.defaultCountry);
    if (prepared.ok) phones = prepared.value;
    else violations.push(...prepared.violations);
  }
  let customFields: CustomFieldValues = current.customFields;
  if (patch.customFields !== undefined) {
    const result = validateCustomFields(patch.customFields, context.definitions, {
      fromText: options.fromText ?? false,
      partial: true,
    });
    violations.push(...result.violations);
    customFields = { ...current.customFields, ...result.values };
    for (const key of result.removed) delete customFields[key];
  }
  if (violations.length > 0) return { ok: false, violations };

  const pick = <T>(value: T | null | undefined, existing: T | null): T | null =>
    value === undefined ? existing : value;
  const firstName = pick(patch.firstName, current.firstName);
  const lastName = pick(patch.lastName, current.lastName);
  const emails = patch.emails ? unique(patch.emails.map((e) => e.toLowerCase())) : current.emails;
  const namesChanged = patch.firstName !== undefined || patch.lastName !== undefined;
  const displayName =
    patch.displayName ??
    (namesChanged ? defaultDisplayName({ firstName, lastName, phones, emails }) : current.displayName);
  return {
    ok: true,
    value: {
      firstName,
      lastName,
      displayName,
      ...searchNames(firstName, lastName, displayName),
      language: pick(patch.language, current.language),
      timeZone: pick(patch.timeZone, current.timeZone),
      emails,
      addresses: patch.addresses ?? current.addresses,
      phones,
      externalRef: pick(patch.externalRef, current.externalRef),
      tags: patch.tags ? unique(patch.tags) : current.tags,
      customFields,
      consentRecording: patch.consent?.recording ?? current.consent.recording,
      consentMarketing: patch.consent?.marketing ?? current.consent.marketing,
    },
  };
}

/** A stored customer in the shape of a prepared one (the base a CSV row merges into). */
export function preparedFromRecord(c: CustomerRecord): PreparedCustomer {
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: c.displayName,
    ...searchNames(c.firstName, c.lastName, c.displayName),
    language: c.language,
    timeZone: c.timeZone,
    emails: c.emails,
    addresses: c.addresses,
    phones: c.phoneNumbers,
    externalRef: c.externalRef,
    tags: c.tags,
    customFields: c.customFields,
    consentRecording: c.consent.recording,
    consentMarketing: c.consent.marketing,
  };
}
