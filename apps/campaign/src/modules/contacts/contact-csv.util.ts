import { type FieldViolation, normalizePhoneNumber } from '@cc/contracts';
import { parse } from 'csv-parse/sync';
import { IANAZone } from 'luxon';

export interface ContactRow {
  phone: string;
  name?: string;
  customerId?: string;
  timeZone?: string;
  leadScore?: number;
  valueTier?: number;
  dueAt?: Date;
  cadenceDate?: string;
}

const COLUMNS = [
  'phone',
  'name',
  'customer_id',
  'time_zone',
  'lead_score',
  'value_tier',
  'due_at',
  'cadence_date',
] as const;
const MAX_ROWS = 100_000;

/**
 * Parses a contact list (CSV with a header; `phone` required, the other COLUMNS optional). All or
 * nothing: every problem is reported as `lines.<line>.<column>` (line 1 = the header), and nothing is
 * imported while any remains. Duplicate numbers within the file are folded (first wins).
 */
export function parseContactCsv(
  text: string,
  defaultCountry?: string,
): { rows: ContactRow[]; errors: FieldViolation[] } {
  const errors: FieldViolation[] = [];
  let records: string[][];
  try {
    const parsed: unknown = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
    records = parsed as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { rows: [], errors: [{ field: `lines.${line}`, rule: 'csv', message: (error as Error).message }] };
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  if (!header.includes('phone'))
    errors.push({ field: 'header.phone', rule: 'required', message: 'the phone column is required' });
  for (const h of header) {
    if (!(COLUMNS as readonly string[]).includes(h))
      errors.push({ field: `header.${h}`, rule: 'unknown_column', message: `unknown column ${h}` });
  }
  if (records.length - 1 > MAX_ROWS)
    errors.push({ field: 'body', rule: 'max_rows', message: `at most ${MAX_ROWS} rows` });
  if (errors.length > 0) return { rows: [], errors };
  const rows: ContactRow[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const cell = (column: string): string | undefined => {
      const v = record[header.indexOf(column)];
      return v === undefined || v === '' ? undefined : v;
    };
    const bad = (column: string, rule: string, message: string): void => {
      errors.push({ field: `lines.${line}.${column}`, rule, message });
    };
    const phone = normalizePhoneNumber(cell('phone') ?? '', defaultCountry)?.e164;
    if (!phone) {
      bad('phone', 'e164', 'is not a phone number');
      return;
    }
    const row: ContactRow = { phone };
    const name = cell('name');
    if (name) row.name = name.slice(0, 200);
    const customerId = cell('customer_id');
    if (customerId) row.customerId = customerId;
    const zone = cell('time_zone');
    if (zone) {
      if (IANAZone.isValidZone(zone)) row.timeZone = zone;
      else bad('time_zone', 'time_zone', 'is not an IANA time zone');
    }
    for (const [column, key, max] of [
      ['lead_score', 'leadScore', 100],
      ['value_tier', 'valueTier', 4],
    ] as const) {
      const v = cell(column);
      if (v === undefined) continue;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > max) bad(column, 'range', `must be an integer 0-${max}`);
      else row[key] = n;
    }
    const due = cell('due_at');
    if (due) {
      const d = new Date(due);
      if (Number.isNaN(d.getTime())) bad('due_at', 'date', 'is not a date');
      else row.dueAt = d;
    }
    const cadenceDate = cell('cadence_date');
    if (cadenceDate) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(cadenceDate) && !Number.isNaN(Date.parse(cadenceDate)))
        row.cadenceDate = cadenceDate;
      else bad('cadence_date', 'date', 'must be yyyy-MM-dd');
    }
    if (seen.has(phone)) return;
    seen.add(phone);
    rows.push(row);
  });
  return { rows, errors };
}
