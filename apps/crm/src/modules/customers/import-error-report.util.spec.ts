import { parse } from 'csv-parse/sync';
import { importErrorsCsv, rowErrorOf } from './import-error-report.util';

describe('import error report', () => {
  it('turns line, header and file violations into row, column and reason', () => {
    expect(
      rowErrorOf({
        field: 'lines.7.phone',
        rule: 'phone_letters',
        message: 'line 7, column phone: holds words',
      }),
    ).toEqual({ row: 7, column: 'phone', reason: 'holds words (phone_letters)' });
    expect(
      rowErrorOf({ field: 'lines.3.custom.seats', rule: 'number', message: 'must be a number' }),
    ).toEqual({
      row: 3,
      column: 'custom.seats',
      reason: 'must be a number (number)',
    });
    expect(
      rowErrorOf({ field: 'header.Vorname', rule: 'unknown_column', message: 'is not a crm column' }),
    ).toEqual({
      row: 1,
      column: 'Vorname',
      reason: 'is not a crm column (unknown_column)',
    });
    expect(rowErrorOf({ field: 'body', rule: 'csv', message: 'bad quote' })).toEqual({
      row: 0,
      column: '',
      reason: 'bad quote (csv)',
    });
  });

  it('writes a CSV with a header, in row order, quoting what needs it', () => {
    const csv = importErrorsCsv([
      { row: 9, column: 'email', reason: 'not an email, "x"' },
      { row: 2, column: 'phone', reason: 'holds words' },
    ]);
    expect(parse(csv)).toEqual([
      ['row', 'column', 'reason'],
      ['2', 'phone', 'holds words'],
      ['9', 'email', 'not an email, "x"'],
    ]);
  });
});
