import { Injectable } from '@nestjs/common';
import { type FieldViolation, violationsFromZod } from '@cc/contracts';
import { AppError, ErrorKind } from '@cc/platform';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CrmDatabase } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { SettingsRepository } from '../settings/settings.repository';
import {
  columnOfPath,
  csvRowToInput,
  exportHeader,
  exportRow,
  mergePrepared,
  resolveHeader,
  type ColumnTarget,
} from './customer-csv.util';
import { type PreparedCustomer, prepareCustomer, preparedFromRecord } from './customer-preparation.util';
import { CreateCustomerSchema } from './customer.schema';
import { validateCustomFields } from './custom-field.util';
import { CustomersRepository, toCustomerRecord } from './customers.repository';
import { phoneId } from './customers.service';

export type DuplicatePolicy = 'skip' | 'merge';

export interface ImportOptions {
  onDuplicate: DuplicatePolicy;
  /** CSV header -> crm column. */
  mapping: Readonly<Record<string, string>>;
  /** Aborted when the client goes away: the import stops and nothing is written. */
  signal?: AbortSignal;
}

export interface ImportReport {
  rows: number;
  created: number;
  merged: number;
  skipped: number;
}

/** Errors reported at most per import (the count is always complete). */
export const MAX_REPORTED_ERRORS = 1_000;
const MAX_ROWS = 2_000_000;
const WRITE_CHUNK = 1_000;
const LOOKUP_CHUNK = 5_000;

interface PendingRow {
  line: number;
  customer: PreparedCustomer;
}

/**
 * CSV import and export. An import is all or nothing: every row is validated first (streaming,
 * with csv-parse), and any bad row fails the whole import with a 400 whose `errors` name each
 * line and column (`lines.7.phone`); only a clean file is written, in one transaction, so a failure
 * or a cancelled upload leaves nothing half-imported. Duplicates, by phone number or external
 * reference, within the file or against existing customers, are skipped or merged as asked.
 */
@Injectable()
export class CustomersImportService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly customers: CustomersRepository,
    private readonly settings: SettingsRepository,
  ) {}

  async import(source: Readable, options: ImportOptions): Promise<ImportReport> {
    const { settings, definitions } = await this.database.tenant(async (tx, tenantId) => ({
      settings: await this.settings.get(tx, tenantId),
      definitions: await this.settings.listFields(tx, tenantId),
    }));
    const context = { defaultCountry: settings.defaultCountry, definitions };
    const violations: FieldViolation[] = [];
    let errorCount = 0;
    const report = (found: FieldViolation[]): void => {
      errorCount += found.length;
      for (const v of found) if (violations.length < MAX_REPORTED_ERRORS) violations.push(v);
    };

    const parser = source.pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        relax_column_count: false,
        max_record_size: 64 * 1024,
        info: true,
      }),
    );
    // Cancelling mid-upload: stop reading, write nothing. pipe() does not forward a source error,
    // and a cut connection must end the loop below rather than leave it waiting forever.
    const onAbort = (): void => void parser.destroy(new Error('import cancelled'));
    source.once('error', (error) => parser.destroy(error));
    source.once('close', () => {
      if (!source.readableEnded) parser.destroy(new Error('the upload ended before the CSV did'));
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let targets: ColumnTarget[] | undefined;
    const pending: PendingRow[] = [];
    const byPhone = new Map<string, PendingRow>();
    const byRef = new Map<string, PendingRow>();
    let rows = 0;
    let skipped = 0;
    let mergedInFile = 0;
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const { record, info } = item;
        if (!targets) {
          const header = resolveHeader(record, options.mapping);
          if (header.violations.length > 0)
            throw AppError.invalid(
              header.violations,
              'the CSV header has unknown columns; nothing was imported',
            );
          targets = header.targets;
          continue;
        }
        rows++;
        if (rows > MAX_ROWS)
          throw AppError.invalid([
            { field: 'body', rule: 'too_big', message: `at most ${MAX_ROWS} rows per import` },
          ]);
        const line = info.lines;
        const input = csvRowToInput(record, targets);
        const parsed = CreateCustomerSchema.safeParse(input);
        if (!parsed.success) {
          // Report the row's custom field problems too, so one pass over the report fixes the row.
          const fields = validateCustomFields(input.customFields as Record<string, unknown>, definitions, {
            fromText: true,
          });
          report(
            [...violationsFromZod(parsed.error), ...fields.violations].map((v) => lineViolation(line, v)),
          );
          continue;
        }
        const prepared = prepareCustomer(parsed.data, context, { fromText: true });
        if (!prepared.ok) {
          report(prepared.violations.map((v) => lineViolation(line, v)));
          continue;
        }
        const earlier =
          prepared.value.phones.map((p) => byPhone.get(p.e164)).find((r) => r !== undefined) ??
          (prepared.value.externalRef ? byRef.get(prepared.value.externalRef) : undefined);
        if (earlier) {
          if (options.onDuplicate === 'skip') skipped++;
          else {
            earlier.customer = mergePrepared(earlier.customer, prepared.value);
            mergedInFile++;
            index(earlier, byPhone, byRef);
          }
          continue;
        }
        const row = { line, customer: prepared.value };
        pending.push(row);
        index(row, byPhone, byRef);
      }
    } catch (error) {
      if (options.signal?.aborted || !source.readableEnded) throw cancelled();
      if (error instanceof AppError) throw error;
      throw AppError.invalid([
        { field: 'body', rule: 'csv', message: `the CSV could not be read: ${(error as Error).message}` },
      ]);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (!targets)
      throw AppError.invalid([{ field: 'body', rule: 'csv', message: 'the CSV is empty (no header row)' }]);
    if (errorCount > 0) {
      throw AppError.invalid(
        violations,
        `${errorCount} problem(s) in the CSV${errorCount > violations.length ? ` (first ${violations.length} listed)` : ''}; nothing was imported`,
      );
    }

    return this.database.tenantBulk(async (tx, tenantId) => {
      const fresh: PendingRow[] = [];
      const updates = new Map<string, PendingRow>();
      const conflicts: FieldViolation[] = [];
      for (let i = 0; i < pending.length; i += LOOKUP_CHUNK) {
        const chunk = pending.slice(i, i + LOOKUP_CHUNK);
        const phoneOwners = await this.customers.phoneOwners(
          tx,
          tenantId,
          chunk.flatMap((r) => r.customer.phones.map((p) => p.e164)),
        );
        const refOwners = await this.customers.externalRefOwners(
          tx,
          tenantId,
          chunk.map((r) => r.customer.externalRef).filter((r): r is string => r !== null),
        );
        for (const row of chunk) {
          const owners = new Set([
            ...row.customer.phones
              .map((p) => phoneOwners.get(p.e164))
              .filter((o): o is string => o !== undefined),
            ...(row.customer.externalRef && refOwners.has(row.customer.externalRef)
              ? [refOwners.get(row.customer.externalRef)!]
              : []),
          ]);
          if (owners.size === 0) fresh.push(row);
          else if (owners.size > 1) {
            conflicts.push({
              field: `lines.${row.line}.phone`,
              rule: 'ambiguous_duplicate',
              message: `matches several existing customers (${[...owners].join(', ')})`,
            });
          } else if (options.onDuplicate === 'skip') skipped++;
          else updates.set([...owners][0]!, row);
        }
        this.throwIfCancelled(options.signal);
      }
      if (conflicts.length > 0)
        throw AppError.invalid(
          conflicts.slice(0, MAX_REPORTED_ERRORS),
          'some rows match several customers; nothing was imported',
        );

      for (let i = 0; i < fresh.length; i += WRITE_CHUNK) {
        const chunk = fresh
          .slice(i, i + WRITE_CHUNK)
          .map((r) => ({ id: newId('cus'), customer: r.customer }));
        await this.customers.insertMany(tx, tenantId, chunk, phoneId);
        await this.customers.attachOrphanInteractions(
          tx,
          tenantId,
          chunk.map((c) => c.id),
        );
        this.throwIfCancelled(options.signal);
      }
      for (const [customerId, row] of updates) {
        const existing = await this.customers.findById(tx, tenantId, customerId);
        const merged = mergePrepared(
          preparedFromRecord(toCustomerRecord(existing!, settings.currency)),
          row.customer,
        );
        await this.customers.update(tx, tenantId, customerId, merged, undefined, true, phoneId);
        await this.customers.attachOrphanInteractions(tx, tenantId, [customerId]);
        this.throwIfCancelled(options.signal);
      }
      return { rows, created: fresh.length, merged: updates.size + mergedInFile, skipped };
    });
  }

  /** Streams every customer of the tenant as CSV (pages of 1,000, each its own short transaction). */
  async export(target: Writable, signal?: AbortSignal): Promise<void> {
    const definitions = await this.database.tenant((tx, tenantId) => this.settings.listFields(tx, tenantId));
    const csv = stringify({ header: true, columns: exportHeader(definitions) });
    const customers = this.customers;
    const database = this.database;
    const settingsRepository = this.settings;
    async function* rows(): AsyncGenerator<string[]> {
      let after: string | undefined;
      for (;;) {
        if (signal?.aborted) return;
        const page = await database.tenant(async (tx, tenantId) => {
          const settings = await settingsRepository.get(tx, tenantId);
          const found = await customers.page(tx, tenantId, after, 1_000);
          return found.map((r) => toCustomerRecord(r, settings.currency));
        });
        for (const customer of page) yield exportRow(customer, definitions);
        if (page.length < 1_000) return;
        after = page[page.length - 1]!.id;
      }
    }
    await pipeline(rows, csv, target);
  }

  private throwIfCancelled(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw cancelled();
  }
}

function index(row: PendingRow, byPhone: Map<string, PendingRow>, byRef: Map<string, PendingRow>): void {
  for (const phone of row.customer.phones) byPhone.set(phone.e164, row);
  if (row.customer.externalRef) byRef.set(row.customer.externalRef, row);
}

function lineViolation(line: number, v: FieldViolation): FieldViolation {
  const column = columnOfPath(v.field);
  return {
    field: `lines.${line}.${column}`,
    rule: v.rule,
    message: `line ${line}, column ${column}: ${v.message}`,
  };
}

function cancelled(): AppError {
  return new AppError(ErrorKind.Unavailable, 'the import was cancelled; nothing was imported', {
    code: 'crm.import_cancelled',
  });
}
