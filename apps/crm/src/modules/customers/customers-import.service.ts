import { Injectable } from '@nestjs/common';
import { type FieldViolation, violationsFromZod } from '@cc/contracts';
import { AppError, ErrorKind } from '@cc/platform';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
import type { CustomerPhone, CustomerRecord } from './customer.model';
import { type PreparedCustomer, prepareCustomer, preparedFromRecord } from './customer-preparation.util';
import { type Address, CreateCustomerSchema } from './customer.schema';
import { type CustomFieldValues, validateCustomFields } from './custom-field.util';
import { CustomersRepository, toCustomerRecord } from './customers.repository';
import { rowErrorOf } from './import-error-report.util';
import type { DuplicatePolicy, ImportJob, ImportReport } from './import-job';

export type { DuplicatePolicy, ImportReport } from './import-job';

export interface ImportOptions {
  onDuplicate: DuplicatePolicy;
  /** CSV header -> crm column. */
  mapping: Readonly<Record<string, string>>;
  /** Aborted when the client goes away or the import is cancelled: it stops and nothing is written. */
  signal?: AbortSignal;
  /** Told the progress, the row errors and the outcome (the import resource, SSE). */
  job?: ImportJob;
}

/** Errors listed in the problem details per import (the count is always complete; the job keeps more). */
export const MAX_REPORTED_ERRORS = 1_000;
const MAX_ROWS = 2_000_000;
/** COPY data is written in chunks of about this many bytes (fewer, larger socket writes). */
const COPY_CHUNK_BYTES = 256 * 1024;
/** Rows merged into existing customers are read and written this many at a time. */
const MERGE_CHUNK = 1_000;

const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** A value in COPY's text format (tab-separated, `\N` is NULL). */
function copyText(value: string | null): string {
  return value === null ? '\\N' : value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c);
}

/** The staging table: one row per CSV row that may become a customer; `grp` = the line it merges into. */
const STAGING_DDL = `
CREATE TEMP TABLE import_customer (
  line integer NOT NULL,
  grp integer NOT NULL,
  id text NOT NULL,
  doc jsonb NOT NULL,
  e164s text[] NOT NULL,
  external_ref text
) ON COMMIT DROP`;

/** The prepared customer's columns out of its staged JSON. */
const DOC_COLUMNS = `jsonb_to_record(s.doc) AS d("firstName" text, "lastName" text, "displayName" text,
  "searchName" text, "searchNameReversed" text, language text, "timeZone" text, emails text[], addresses jsonb,
  "externalRef" text, tags text[], "customFields" jsonb, "consentRecording" boolean, "consentMarketing" boolean)`;

interface ExistingRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  language: string | null;
  time_zone: string | null;
  emails: string[] | null;
  addresses: Address[];
  external_ref: string | null;
  tags: string[] | null;
  custom_fields: CustomFieldValues;
  consent_recording: boolean;
  consent_marketing: boolean;
  phones: CustomerPhone[];
}

/**
 * CSV import and export. An import is all or nothing, in one transaction on one connection: rows
 * are parsed and validated while the upload streams (csv-parse), and the valid ones go straight
 * into a staging table with COPY FROM STDIN, so memory holds only the de-duplication keys; any bad
 * row fails the whole import with a 400 whose `errors` name each line and column (`lines.7.phone`),
 * and the job's error report lists them all. Then set-based statements fold duplicates in the file,
 * skip or merge those matching existing customers (phone number or external reference), and insert
 * the rest. A failure, a cut upload or a cancellation rolls everything back.
 */
@Injectable()
export class CustomersImportService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly customers: CustomersRepository,
    private readonly settings: SettingsRepository,
  ) {}

  async import(source: Readable, options: ImportOptions): Promise<ImportReport> {
    const job = options.job;
    try {
      const report = await this.run(source, options);
      job?.succeed(report);
      return report;
    } catch (error) {
      job?.fail(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async run(source: Readable, options: ImportOptions): Promise<ImportReport> {
    const { job } = options;
    const signal = options.signal ?? job?.signal;
    job?.start();
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
      job?.rowErrors(found.map(rowErrorOf));
    };

    return this.database.tenantBulkWrite(async (client, tenantId) => {
      await client.query(STAGING_DDL);
      const copy = client.query(
        copyFrom('COPY import_customer (line, grp, id, doc, e164s, external_ref) FROM STDIN'),
      );
      // A failed COPY must not surface as an unhandled 'error' event; the write below reports it.
      let copyError: Error | undefined;
      copy.on('error', (error: Error) => (copyError ??= error));

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
      signal?.addEventListener('abort', onAbort, { once: true });

      let targets: ColumnTarget[] | undefined;
      /** De-duplication keys (E.164, external reference) -> the line of the first row that has them. */
      const byPhone = new Map<string, number>();
      const byRef = new Map<string, number>();
      let rows = 0;
      let skipped = 0;
      let mergedInFile = 0;
      let chunk = '';
      const flush = async (): Promise<void> => {
        if (chunk.length === 0) return;
        const ok = copy.write(chunk);
        chunk = '';
        if (copyError) throw copyError;
        if (!ok) await once(copy, 'drain');
      };
      try {
        for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          const { record, info } = item;
          if (!targets) {
            const header = resolveHeader(record, options.mapping);
            if (header.violations.length > 0) {
              job?.rowErrors(header.violations.map(rowErrorOf));
              throw AppError.invalid(
                header.violations,
                'the CSV header has unknown columns; nothing was imported',
              );
            }
            targets = header.targets;
            continue;
          }
          rows++;
          if (rows > MAX_ROWS)
            throw AppError.invalid([
              { field: 'body', rule: 'too_big', message: `at most ${MAX_ROWS} rows per import` },
            ]);
          if (rows % 1_000 === 0) job?.read(rows);
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
          const customer = prepared.value;
          const doc = JSON.stringify(customer);
          if (doc.includes('\\u0000')) {
            report([
              {
                field: `lines.${line}.(row)`,
                rule: 'nul',
                message: `line ${line}, column (row): holds a NUL character`,
              },
            ]);
            continue;
          }
          if (errorCount > 0) continue; // the import fails anyway: only keep validating
          const e164s = customer.phones.map((p) => p.e164);
          const earlier =
            e164s.map((e) => byPhone.get(e)).find((l) => l !== undefined) ??
            (customer.externalRef ? byRef.get(customer.externalRef) : undefined);
          if (earlier !== undefined && options.onDuplicate === 'skip') {
            skipped++;
            continue;
          }
          const grp = earlier ?? line;
          if (earlier !== undefined) mergedInFile++;
          for (const e of e164s) if (!byPhone.has(e)) byPhone.set(e, grp);
          if (customer.externalRef && !byRef.has(customer.externalRef)) byRef.set(customer.externalRef, grp);
          chunk += `${line}\t${grp}\t${newId('cus')}\t${copyText(doc)}\t{${e164s.join(',')}}\t${copyText(customer.externalRef)}\n`;
          if (chunk.length >= COPY_CHUNK_BYTES) await flush();
        }
        if (!targets)
          throw AppError.invalid([
            { field: 'body', rule: 'csv', message: 'the CSV is empty (no header row)' },
          ]);
        if (errorCount > 0) {
          throw AppError.invalid(
            violations,
            `${errorCount} problem(s) in the CSV${errorCount > violations.length ? ` (first ${violations.length} listed)` : ''}; nothing was imported`,
          );
        }
        await flush();
        copy.end();
        await finished(copy);
        if (copyError) throw copyError;
      } catch (error) {
        copy.destroy(error instanceof Error ? error : new Error(String(error)));
        if (error instanceof AppError) throw error;
        if (signal?.aborted || !source.readableEnded) throw cancelled();
        if (copyError) throw copyError;
        throw AppError.invalid([
          { field: 'body', rule: 'csv', message: `the CSV could not be read: ${(error as Error).message}` },
        ]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      job?.read(rows);
      job?.enter('writing');
      byPhone.clear();
      byRef.clear();

      if (mergedInFile > 0) await this.foldFileDuplicates(client);
      throwIfCancelled(signal);
      await client.query('ANALYZE import_customer');
      const existing = await this.matchExisting(client, tenantId);
      throwIfCancelled(signal);
      let merged = 0;
      if (existing.size > 0) {
        if (options.onDuplicate === 'skip') {
          await client.query('DELETE FROM import_customer WHERE line = ANY($1::int[])', [
            [...existing.keys()],
          ]);
          skipped += existing.size;
        } else {
          merged = await this.mergeIntoExisting(client, tenantId, existing, signal);
          job?.wrote(merged);
        }
      }
      throwIfCancelled(signal);
      const created = await this.insertStaged(client, tenantId);
      job?.wrote(created);
      throwIfCancelled(signal);
      return { rows, created, merged: merged + mergedInFile, skipped };
    });
  }

  /** Folds later rows about the same customer into the first (in file order, as mergePrepared does). */
  private async foldFileDuplicates(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ line: number; grp: number; doc: PreparedCustomer }>(
      `SELECT line, grp, doc FROM import_customer
        WHERE grp IN (SELECT grp FROM import_customer WHERE grp <> line) ORDER BY grp, line`,
    );
    const folded = new Map<number, PreparedCustomer>();
    for (const row of rows) {
      const base = folded.get(row.grp);
      folded.set(row.grp, base ? mergePrepared(base, row.doc) : row.doc);
    }
    const groups = [...folded.entries()];
    for (let i = 0; i < groups.length; i += MERGE_CHUNK) {
      const part = groups.slice(i, i + MERGE_CHUNK);
      await client.query(
        `UPDATE import_customer s SET doc = u.doc, e164s = u.e164s, external_ref = u.external_ref
           FROM jsonb_to_recordset($1::jsonb) AS u(line integer, doc jsonb, e164s text[], external_ref text)
          WHERE s.line = u.line`,
        [
          JSON.stringify(
            part.map(([line, c]) => ({
              line,
              doc: c,
              e164s: c.phones.map((p) => p.e164),
              external_ref: c.externalRef,
            })),
          ),
        ],
      );
    }
    await client.query('DELETE FROM import_customer WHERE grp <> line');
  }

  /**
   * Staged rows that are existing customers (same phone number or external reference), line ->
   * customer: one owner is a duplicate to skip or merge; several owners is ambiguous and fails the import.
   */
  private async matchExisting(client: PoolClient, tenantId: string): Promise<Map<number, string>> {
    const { rows } = await client.query<{ line: number; owners: string[] }>(
      `SELECT m.line, array_agg(DISTINCT m.owner ORDER BY m.owner) AS owners FROM (
         SELECT s.line, p.customer_id AS owner
           FROM import_customer s CROSS JOIN LATERAL unnest(s.e164s) AS e(e164)
           JOIN phone_number p ON p.tenant_id = $1 AND p.e164 = e.e164
         UNION ALL
         SELECT s.line, c.id FROM import_customer s
           JOIN customer c ON c.tenant_id = $1 AND c.external_ref = s.external_ref
       ) m GROUP BY m.line ORDER BY m.line`,
      [tenantId],
    );
    const conflicts: FieldViolation[] = [];
    const merge = new Map<number, string>();
    for (const row of rows) {
      if (row.owners.length > 1) {
        conflicts.push({
          field: `lines.${row.line}.phone`,
          rule: 'ambiguous_duplicate',
          message: `matches several existing customers (${row.owners.join(', ')})`,
        });
      } else merge.set(row.line, row.owners[0]!);
    }
    if (conflicts.length > 0)
      throw AppError.invalid(
        conflicts.slice(0, MAX_REPORTED_ERRORS),
        'some rows match several customers; nothing was imported',
      );
    return merge;
  }

  /** Merges staged rows into the existing customers they match (lists unite, given values win). */
  private async mergeIntoExisting(
    client: PoolClient,
    tenantId: string,
    matches: Map<number, string>,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const entries = [...matches.entries()];
    let merged = 0;
    for (let i = 0; i < entries.length; i += MERGE_CHUNK) {
      const part = entries.slice(i, i + MERGE_CHUNK);
      const lines = part.map(([line]) => line);
      const ids = [...new Set(part.map(([, id]) => id))];
      const staged = await client.query<{ line: number; doc: PreparedCustomer }>(
        'SELECT line, doc FROM import_customer WHERE line = ANY($1::int[]) ORDER BY line',
        [lines],
      );
      const current = await client.query<ExistingRow>(
        `SELECT c.id, c.first_name, c.last_name, c.display_name, c.language, c.time_zone, c.emails, c.addresses,
                c.external_ref, c.tags, c.custom_fields, c.consent_recording, c.consent_marketing,
                (SELECT coalesce(json_agg(json_build_object('e164', p.e164, 'raw', p.raw, 'extension', p.extension,
                                                            'kind', p.kind) ORDER BY p.created_at), '[]'::json)
                   FROM phone_number p WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id) AS phones
           FROM customer c WHERE c.tenant_id = $1 AND c.id = ANY($2::text[]) FOR UPDATE`,
        [tenantId, ids],
      );
      const byId = new Map(current.rows.map((r) => [r.id, preparedFromRecord(recordOf(r))]));
      for (const row of staged.rows) {
        const id = matches.get(row.line)!;
        const base = byId.get(id);
        if (base) byId.set(id, mergePrepared(base, row.doc));
      }
      const updates = [...byId.entries()].map(([id, c]) => ({ id, ...c }));
      await client.query(
        `UPDATE customer c SET first_name = d."firstName", last_name = d."lastName", display_name = d."displayName",
                search_name = d."searchName", search_name_reversed = d."searchNameReversed", language = d.language,
                time_zone = d."timeZone", emails = d.emails, addresses = d.addresses, external_ref = d."externalRef",
                tags = d.tags, custom_fields = d."customFields", consent_recording = d."consentRecording",
                consent_marketing = d."consentMarketing", version = c.version + 1, updated_at = now()
           FROM (SELECT s.doc->>'id' AS id, s.doc FROM jsonb_array_elements($2::jsonb) AS s(doc)) AS s,
                ${DOC_COLUMNS}
          WHERE c.tenant_id = $1 AND c.id = s.id`,
        [tenantId, JSON.stringify(updates)],
      );
      await client.query('DELETE FROM phone_number WHERE tenant_id = $1 AND customer_id = ANY($2::text[])', [
        tenantId,
        ids,
      ]);
      await client.query(
        `INSERT INTO phone_number (id, tenant_id, customer_id, e164, raw, extension, kind)
         SELECT 'ph_' || substr(u.doc->>'id', 5) || '_' || ph.ord, $1, u.doc->>'id', ph.v->>'e164', ph.v->>'raw',
                ph.v->>'extension', ph.v->>'kind'
           FROM jsonb_array_elements($2::jsonb) AS u(doc)
           CROSS JOIN LATERAL jsonb_array_elements(u.doc->'phones') WITH ORDINALITY AS ph(v, ord)`,
        [tenantId, JSON.stringify(updates)],
      );
      await this.attachOrphanInteractions(client, tenantId, 'SELECT unnest($2::text[])', [ids]);
      await client.query('DELETE FROM import_customer WHERE line = ANY($1::int[])', [lines]);
      merged += ids.length;
      throwIfCancelled(signal);
    }
    return merged;
  }

  /** The staged rows left are new customers: two set-based inserts, then their callers' history. */
  private async insertStaged(client: PoolClient, tenantId: string): Promise<number> {
    const inserted = await client.query(
      `INSERT INTO customer (id, tenant_id, first_name, last_name, display_name, search_name, search_name_reversed,
                             language, time_zone, emails, addresses, external_ref, tags, custom_fields,
                             consent_recording, consent_marketing)
       SELECT s.id, $1, d."firstName", d."lastName", d."displayName", d."searchName", d."searchNameReversed",
              d.language, d."timeZone", d.emails, d.addresses, d."externalRef", d.tags, d."customFields",
              d."consentRecording", d."consentMarketing"
         FROM import_customer s, ${DOC_COLUMNS}`,
      [tenantId],
    );
    await client.query(
      `INSERT INTO phone_number (id, tenant_id, customer_id, e164, raw, extension, kind)
       SELECT 'ph_' || substr(s.id, 5) || '_' || ph.ord, $1, s.id, ph.v->>'e164', ph.v->>'raw', ph.v->>'extension',
              ph.v->>'kind'
         FROM import_customer s CROSS JOIN LATERAL jsonb_array_elements(s.doc->'phones') WITH ORDINALITY AS ph(v, ord)`,
      [tenantId],
    );
    await this.attachOrphanInteractions(client, tenantId, 'SELECT id FROM import_customer', []);
    return inserted.rowCount ?? 0;
  }

  /** Interactions recorded for a number nobody owned now belong to the customer that owns it. */
  private async attachOrphanInteractions(
    client: PoolClient,
    tenantId: string,
    customerIds: string,
    values: unknown[],
  ): Promise<void> {
    await client.query(
      `UPDATE interaction i SET customer_id = p.customer_id
         FROM phone_number p
        WHERE i.tenant_id = $1 AND i.customer_id IS NULL
          AND p.tenant_id = $1 AND p.e164 = i.phone_e164 AND p.customer_id IN (${customerIds})`,
      [tenantId, ...values],
    );
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
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/** An existing customer read back for a merge, in the shape preparedFromRecord takes. */
function recordOf(r: ExistingRow): CustomerRecord {
  return {
    id: r.id,
    tenantId: '',
    firstName: r.first_name,
    lastName: r.last_name,
    displayName: r.display_name,
    language: r.language,
    timeZone: r.time_zone,
    emails: r.emails ?? [],
    addresses: r.addresses,
    phoneNumbers: r.phones,
    externalRef: r.external_ref,
    tags: r.tags ?? [],
    customFields: r.custom_fields,
    consent: { recording: r.consent_recording, marketing: r.consent_marketing },
    lifetimeValueMinor: 0n,
    currency: '',
    valueTier: 0,
    version: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
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
