import { stringify } from 'csv-stringify/sync';
import type { FieldViolation } from '@cc/contracts';
import type { ImportRowError } from './import-job';

const LINE_FIELD = /^lines\.(\d+)\.(.+)$/;

/**
 * A violation of the import (`lines.7.phone`, `header.Vorname`, `body`) as a line of the error
 * report: the CSV row (1 = the header; 0 = the file as a whole), the column, and the reason.
 */
export function rowErrorOf(violation: FieldViolation): ImportRowError {
  const line = LINE_FIELD.exec(violation.field);
  if (line) {
    const column = line[2]!;
    const prefix = `line ${line[1]}, column ${column}: `;
    const reason = violation.message.startsWith(prefix)
      ? violation.message.slice(prefix.length)
      : violation.message;
    return { row: Number(line[1]), column, reason: `${reason} (${violation.rule})` };
  }
  if (violation.field.startsWith('header.')) {
    return {
      row: 1,
      column: violation.field.slice('header.'.length),
      reason: `${violation.message} (${violation.rule})`,
    };
  }
  return { row: 0, column: '', reason: `${violation.message} (${violation.rule})` };
}

/** The downloadable report: `row,column,reason`, one line per problem, in file order. */
export function importErrorsCsv(errors: readonly ImportRowError[]): string {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return stringify(
    sorted.map((e) => [e.row, e.column, e.reason]),
    { header: true, columns: ['row', 'column', 'reason'] },
  );
}
