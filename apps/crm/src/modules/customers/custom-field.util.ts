import type { FieldViolation } from '@cc/contracts';
import { z } from 'zod';

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** A tenant's definition of one custom field of its customers. */
export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  /** Allowed values of an `enum` field. */
  options: string[];
}

export type CustomFieldValue = string | number | boolean;
export type CustomFieldValues = Record<string, CustomFieldValue>;

export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_STRING = 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const CustomFieldDefinitionInputSchema = z
  .object({
    label: z.string().trim().min(1).max(100),
    type: z.enum(CUSTOM_FIELD_TYPES),
    required: z.boolean().default(false),
    options: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
  })
  .strict()
  .refine((d) => d.type !== 'enum' || d.options.length > 0, {
    path: ['options'],
    message: 'an enum field needs at least one option',
  });

/**
 * Checks custom field values against the tenant's definitions and returns them in their typed form.
 * `fromText` accepts the textual form of every type (CSV cells, gRPC's map<string,string>). With
 * `partial`, missing required fields are not reported (a patch that does not touch them). Empty or
 * null values remove a field. Every violation names `customFields.<key>`.
 */
export function validateCustomFields(
  input: Readonly<Record<string, unknown>>,
  definitions: readonly CustomFieldDefinition[],
  options: { fromText?: boolean; partial?: boolean; fieldPrefix?: string } = {},
): { values: CustomFieldValues; removed: string[]; violations: FieldViolation[] } {
  const prefix = options.fieldPrefix ?? 'customFields';
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values: CustomFieldValues = {};
  const removed: string[] = [];
  const violations: FieldViolation[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const field = `${prefix}.${key}`;
    const definition = byKey.get(key);
    if (!definition) {
      violations.push({ field, rule: 'unknown_field', message: `is not a custom field of this tenant` });
      continue;
    }
    if (raw === null || raw === undefined || raw === '') {
      if (definition.required && !options.partial) {
        violations.push({ field, rule: 'required', message: 'is required' });
      } else {
        removed.push(key);
      }
      continue;
    }
    const parsed = coerce(definition, raw, options.fromText ?? false);
    if (parsed.ok) values[key] = parsed.value;
    else violations.push({ field, rule: parsed.rule, message: parsed.message });
  }
  if (!options.partial) {
    for (const definition of definitions) {
      if (definition.required && !(definition.key in input)) {
        violations.push({ field: `${prefix}.${definition.key}`, rule: 'required', message: 'is required' });
      }
    }
  }
  return { values, removed, violations };
}

type Coerced = { ok: true; value: CustomFieldValue } | { ok: false; rule: string; message: string };

function coerce(definition: CustomFieldDefinition, raw: unknown, fromText: boolean): Coerced {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  switch (definition.type) {
    case 'string':
      if (typeof raw !== 'string') return wrongType('a string');
      if (raw.length > MAX_STRING)
        return { ok: false, rule: 'too_big', message: `must be at most ${MAX_STRING} characters` };
      return { ok: true, value: raw };
    case 'number': {
      const value =
        typeof raw === 'number' ? raw : fromText && text !== undefined && text !== '' ? Number(text) : NaN;
      if (!Number.isFinite(value)) return wrongType('a number');
      return { ok: true, value };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (fromText && text !== undefined) {
        const lower = text.toLowerCase();
        if (['true', 'yes', '1'].includes(lower)) return { ok: true, value: true };
        if (['false', 'no', '0'].includes(lower)) return { ok: true, value: false };
      }
      return wrongType('true or false');
    }
    case 'date':
      if (text === undefined || !DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
        return { ok: false, rule: 'invalid_format', message: 'must be a date YYYY-MM-DD' };
      }
      return { ok: true, value: text };
    case 'enum':
      if (text === undefined || !definition.options.includes(text)) {
        return {
          ok: false,
          rule: 'invalid_option',
          message: `must be one of ${definition.options.join(', ')}`,
        };
      }
      return { ok: true, value: text };
  }
}

function wrongType(expected: string): Coerced {
  return { ok: false, rule: 'invalid_type', message: `must be ${expected}` };
}

/** The textual form of a value, as gRPC's map<string,string> and CSV carry it. */
export function customFieldText(value: CustomFieldValue): string {
  return typeof value === 'string' ? value : String(value);
}
