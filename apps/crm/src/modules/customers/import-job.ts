import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '@cc/platform';
import { Subject } from 'rxjs';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';

export type DuplicatePolicy = 'skip' | 'merge';

export interface ImportReport {
  rows: number;
  created: number;
  merged: number;
  skipped: number;
}

export type ImportStatus = 'awaiting_upload' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ImportPhase = 'reading' | 'writing' | 'done';

/** One line of the downloadable error report. */
export interface ImportRowError {
  /** The CSV line (the header is line 1). */
  row: number;
  column: string;
  reason: string;
}

export interface ImportJobView {
  id: string;
  status: ImportStatus;
  phase: ImportPhase | null;
  onDuplicate: DuplicatePolicy;
  rowsRead: number;
  rowsWritten: number;
  errorCount: number;
  report: ImportReport | null;
  /** Why it failed or was cancelled. */
  detail: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Row errors kept for the report per import (the count is always complete). */
export const MAX_ERROR_REPORT_ROWS = 100_000;
/** Progress is published at most this often (plus at every phase change and at the end). */
const PROGRESS_INTERVAL_MS = 250;

const FINISHED: readonly ImportStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * One CSV import as a resource: its progress while it runs (`events` feeds the SSE endpoint), the
 * row errors of the report, and its cancellation (the AbortSignal the import watches). Lives in this
 * replica's memory; see ImportJobs.
 */
export class ImportJob {
  status: ImportStatus = 'awaiting_upload';
  phase: ImportPhase | null = null;
  rowsRead = 0;
  rowsWritten = 0;
  errorCount = 0;
  report: ImportReport | null = null;
  detail: string | null = null;
  readonly errors: ImportRowError[] = [];
  readonly events = new Subject<ImportJobView>();
  private readonly abort = new AbortController();
  private updatedAt: Date;
  private lastPublished = 0;

  constructor(
    readonly id: string,
    readonly tenantId: string,
    readonly onDuplicate: DuplicatePolicy,
    readonly mapping: Readonly<Record<string, string>>,
    private readonly createdAt: Date,
    private readonly clock: Clock,
  ) {
    this.updatedAt = createdAt;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get finished(): boolean {
    return FINISHED.includes(this.status);
  }

  /** Starts reading the upload; an import runs once. */
  start(): void {
    if (this.status !== 'awaiting_upload') {
      throw new AppError(ErrorKind.Conflict, `import ${this.id} is ${this.status}; create a new import`, {
        code: 'crm.import_not_awaiting_upload',
      });
    }
    this.status = 'running';
    this.enter('reading');
  }

  enter(phase: ImportPhase): void {
    this.phase = phase;
    this.publish(true);
  }

  read(rows: number): void {
    this.rowsRead = rows;
    this.publish(false);
  }

  wrote(rows: number): void {
    this.rowsWritten += rows;
    this.publish(false);
  }

  rowErrors(errors: readonly ImportRowError[]): void {
    this.errorCount += errors.length;
    for (const e of errors) if (this.errors.length < MAX_ERROR_REPORT_ROWS) this.errors.push(e);
  }

  succeed(report: ImportReport): void {
    this.report = report;
    this.finish('succeeded', null);
  }

  fail(detail: string): void {
    // Nothing was written: the rows counted as written were rolled back with the transaction.
    this.rowsWritten = 0;
    this.finish(this.signal.aborted ? 'cancelled' : 'failed', detail);
  }

  /** Asks a running import to stop (it rolls back); an import still waiting for its upload ends at once. */
  cancel(): void {
    if (this.finished) return;
    this.abort.abort();
    if (this.status === 'awaiting_upload') this.finish('cancelled', 'cancelled before the upload');
  }

  view(): ImportJobView {
    return {
      id: this.id,
      status: this.status,
      phase: this.phase,
      onDuplicate: this.onDuplicate,
      rowsRead: this.rowsRead,
      rowsWritten: this.rowsWritten,
      errorCount: this.errorCount,
      report: this.report,
      detail: this.detail,
      createdAt: this.createdAt.toISOString(),
      updatedAt: this.updatedAt.toISOString(),
    };
  }

  private finish(status: ImportStatus, detail: string | null): void {
    if (this.finished) return;
    this.status = status;
    this.detail = detail;
    this.phase = 'done';
    this.publish(true);
    this.events.complete();
  }

  private publish(force: boolean): void {
    const now = this.clock.now();
    if (!force && now.getTime() - this.lastPublished < PROGRESS_INTERVAL_MS) return;
    this.lastPublished = now.getTime();
    this.updatedAt = now;
    this.events.next(this.view());
  }
}

/** Finished imports stay readable (report, errors) this long. */
export const FINISHED_IMPORT_TTL_MS = 60 * 60_000;
const MAX_JOBS = 1_000;

/**
 * This replica's imports. An import runs in the request that uploads its CSV, so it lives where that
 * request landed; reading its progress or cancelling it from another replica needs the gateway to
 * route `/v1/imports/{id}` by id (or a shared store), which is left for when crm runs replicated.
 */
@Injectable()
export class ImportJobs {
  private readonly jobs = new Map<string, { job: ImportJob; finishedAt?: number }>();

  constructor(private readonly clock: Clock) {}

  create(
    tenantId: string,
    onDuplicate: DuplicatePolicy,
    mapping: Readonly<Record<string, string>>,
  ): ImportJob {
    this.evict();
    const job = new ImportJob(newId('imp'), tenantId, onDuplicate, mapping, this.clock.now(), this.clock);
    const entry: { job: ImportJob; finishedAt?: number } = { job };
    job.events.subscribe({ complete: () => (entry.finishedAt = this.clock.now().getTime()) });
    this.jobs.set(job.id, entry);
    return job;
  }

  /** The tenant's import; another tenant's id is not found. */
  get(tenantId: string, id: string): ImportJob {
    const entry = this.jobs.get(id);
    if (!entry || entry.job.tenantId !== tenantId) throw AppError.notFound('import', id);
    return entry.job;
  }

  private evict(): void {
    const now = this.clock.now().getTime();
    for (const [id, entry] of this.jobs) {
      if (entry.finishedAt !== undefined && now - entry.finishedAt > FINISHED_IMPORT_TTL_MS)
        this.jobs.delete(id);
    }
    // Bounded: the oldest finished imports go first when many are kept.
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size < MAX_JOBS) break;
      if (entry.finishedAt !== undefined) this.jobs.delete(id);
    }
  }
}
