import type { FieldViolation } from '@cc/contracts';
import { customFieldText, type CustomFieldDefinition } from './custom-field.util';
import { type CustomerRecord, VALUE_TIER_NAMES } from './customer.model';
import type { PreparedCustomer } from './customer-preparation.util';

/** The CSV columns crm reads (and writes); lists are `;`-separated; custom fields are `custom.<key>`. */
export const CSV_COLUMNS = [
  'first_name',
  'last_name',
  'display_name',
  'email',
  'phone',
  'language',
  'time_zone',
  'external_ref',
  'tags',
  'consent_recording',
  'consent_marketing',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Columns the export writes that an import ignores (crm owns them). */
export const EXPORT_ONLY_COLUMNS = [
  'id',
  'lifetime_value_minor',
  'currency',
  'value_tier',
  'version',
] as const;

const CUSTOM_PREFIX = 'custom.';
const LIST_SEPARATOR = ';';

/** A header cell resolved to what it feeds. */
export type ColumnTarget =
  { kind: 'field'; column: CsvColumn } | { kind: 'custom'; key: string } | { kind: 'ignored' };

/**
 * Resolves the header row: each header is a crm column (or `custom.<key>`) directly or through the
 * caller's mapping (`{ "Vorname": "first_name" }`). Unknown headers are refused up front, naming
 * them, because a silently dropped column is data loss the user notices too late.
 */
export function resolveHeader(
  headers: readonly string[],
  mapping: Readonly<Record<string, string>>,
): { targets: ColumnTarget[]; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  const targets = headers.map((header, i): ColumnTarget => {
    const name = (mapping[header] ?? header).trim();
    if ((EXPORT_ONLY_COLUMNS as readonly string[]).includes(name)) return { kind: 'ignored' };
    let target: ColumnTarget | undefined;
    if ((CSV_COLUMNS as readonly string[]).includes(name))
      target = { kind: 'field', column: name as CsvColumn };
    else if (name.startsWith(CUSTOM_PREFIX) && name.length > CUSTOM_PREFIX.length) {
      target = { kind: 'custom', key: name.slice(CUSTOM_PREFIX.length) };
    }
    if (!target) {
      violations.push({
        field: `header.${header || `column${i + 1}`}`,
        rule: 'unknown_column',
        message: `is not a crm column (${CSV_COLUMNS.join(', ')}, custom.<key>); map it or remove it`,
      });
      return { kind: 'ignored' };
    }
    if (seen.has(name)) {
      violations.push({
        field: `header.${header}`,
        rule: 'duplicate_column',
        message: `feeds ${name} twice`,
      });
    }
    seen.add(name);
    return target;
  });
  return { targets, violations };
}

function list(value: string): string[] {
  return value
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function bool(value: string): boolean | string {
  const lower = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(lower)) return true;
  if (['false', 'no', '0', 'n', ''].includes(lower)) return false;
  return value;
}

/** One CSV row as the body of a create (still to be validated by CreateCustomerSchema). */
export function csvRowToInput(
  cells: readonly string[],
  targets: readonly ColumnTarget[],
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const customFields: Record<string, string> = {};
  const consent = { recording: false, marketing: false };
  targets.forEach((target, i) => {
    const value = (cells[i] ?? '').trim();
    if (target.kind === 'ignored') return;
    if (target.kind === 'custom') {
      if (value !== '') customFields[target.key] = value;
      return;
    }
    if (value === '' && !target.column.startsWith('consent_')) return;
    switch (target.column) {
      case 'first_name':
        input.firstName = value;
        break;
      case 'last_name':
        input.lastName = value;
        break;
      case 'display_name':
        input.displayName = value;
        break;
      case 'email':
        input.emails = list(value);
        break;
      case 'phone':
        input.phoneNumbers = list(value).map((number) => ({ number }));
        break;
      case 'language':
        input.language = value;
        break;
      case 'time_zone':
        input.timeZone = value;
        break;
      case 'external_ref':
        input.externalRef = value;
        break;
      case 'tags':
        input.tags = list(value);
        break;
      case 'consent_recording':
        consent.recording = bool(value) as boolean;
        break;
      case 'consent_marketing':
        consent.marketing = bool(value) as boolean;
        break;
    }
  });
  input.customFields = customFields;
  input.consent = consent;
  return input;
}

/** The CSV column a validation path points at (`phoneNumbers.1.number` -> `phone`). */
export function columnOfPath(path: string): string {
  const [head = '', second] = path.split('.');
  switch (head) {
    case 'firstName':
      return 'first_name';
    case 'lastName':
      return 'last_name';
    case 'displayName':
      return 'display_name';
    case 'emails':
      return 'email';
    case 'phoneNumbers':
      return 'phone';
    case 'timeZone':
      return 'time_zone';
    case 'externalRef':
      return 'external_ref';
    case 'customFields':
      return `custom.${second ?? ''}`;
    case 'consent':
      return second === 'marketing' ? 'consent_marketing' : 'consent_recording';
    default:
      return head || '(row)';
  }
}

/** Folds a later row about the same customer into an earlier one: lists unite, given values win. */
export function mergePrepared(base: PreparedCustomer, incoming: PreparedCustomer): PreparedCustomer {
  const phones = [...base.phones];
  for (const phone of incoming.phones) if (!phones.some((p) => p.e164 === phone.e164)) phones.push(phone);
  return {
    ...base,
    firstName: incoming.firstName ?? base.firstName,
    lastName: incoming.lastName ?? base.lastName,
    displayName: incoming.firstName || incoming.lastName ? incoming.displayName : base.displayName,
    searchName: incoming.firstName || incoming.lastName ? incoming.searchName : base.searchName,
    searchNameReversed:
      incoming.firstName || incoming.lastName ? incoming.searchNameReversed : base.searchNameReversed,
    language: incoming.language ?? base.language,
    timeZone: incoming.timeZone ?? base.timeZone,
    emails: [...new Set([...base.emails, ...incoming.emails])],
    addresses: incoming.addresses.length > 0 ? incoming.addresses : base.addresses,
    phones,
    externalRef: base.externalRef ?? incoming.externalRef,
    tags: [...new Set([...base.tags, ...incoming.tags])],
    customFields: { ...base.customFields, ...incoming.customFields },
    consentRecording: incoming.consentRecording,
    consentMarketing: incoming.consentMarketing,
  };
}

/** The header of an export: crm's columns, then one per custom field definition. */
export function exportHeader(definitions: readonly CustomFieldDefinition[]): string[] {
  return [
    'id',
    ...CSV_COLUMNS,
    'lifetime_value_minor',
    'currency',
    'value_tier',
    ...definitions.map((d) => `custom.${d.key}`),
  ];
}

export function exportRow(c: CustomerRecord, definitions: readonly CustomFieldDefinition[]): string[] {
  const custom = definitions.map((d) => {
    const value = c.customFields[d.key];
    return value === undefined ? '' : customFieldText(value);
  });
  return [
    c.id,
    c.firstName ?? '',
    c.lastName ?? '',
    c.displayName,
    c.emails.join(LIST_SEPARATOR),
    c.phoneNumbers.map((p) => (p.extension ? `${p.e164} ext. ${p.extension}` : p.e164)).join(LIST_SEPARATOR),
    c.language ?? '',
    c.timeZone ?? '',
    c.externalRef ?? '',
    c.tags.join(LIST_SEPARATOR),
    String(c.consent.recording),
    String(c.consent.marketing),
    c.lifetimeValueMinor.toString(),
    c.currency,
    VALUE_TIER_NAMES[c.valueTier] ?? '',
    ...custom,
  ];
}
