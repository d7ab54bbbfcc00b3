import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { AppError, parseOrThrow, TenantContext } from '@cc/platform';
import type { Request, Response } from 'express';
import { concat, map, type Observable, of } from 'rxjs';
import { z } from 'zod';
import { TenantApi } from '@cc/platform';
import { CustomersImportService } from './customers-import.service';
import { importErrorsCsv } from './import-error-report.util';
import { type ImportJobView, ImportJobs } from './import-job';

const CreateImportSchema = z
  .object({
    onDuplicate: z.enum(['skip', 'merge']).default('skip'),
    /** CSV header -> crm column, e.g. `{ "Vorname": "first_name" }`. */
    mapping: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).default({}),
  })
  .strict();

/** `text/csv` (or text/plain) bodies only: the CSV is streamed, never parsed as JSON. */
export function assertCsvBody(req: Request): void {
  if (!/^text\/(csv|plain)\b/.test(req.headers['content-type'] ?? '')) {
    throw AppError.invalid([
      { field: 'headers.content-type', rule: 'media_type', message: 'must be text/csv' },
    ]);
  }
}

/**
 * CSV imports as resources: create one (options), upload its CSV (the request runs the import and
 * answers with the outcome), and meanwhile follow its progress (`GET`, or SSE at `/events`), cancel
 * it (nothing is written), and afterwards download its error report (`/errors.csv`: row, column,
 * reason).
 */
@Controller('v1/imports')
@TenantApi()
export class ImportsController {
  constructor(
    private readonly jobs: ImportJobs,
    private readonly importer: CustomersImportService,
  ) {}

  @Post()
  create(@Body() body: unknown, @Res({ passthrough: true }) res: Response): ImportJobView {
    const input = parseOrThrow(CreateImportSchema, body ?? {}, 'body');
    const job = this.jobs.create(TenantContext.require(), input.onDuplicate, input.mapping);
    res.setHeader('Location', `/v1/imports/${job.id}`);
    res.status(201);
    return job.view();
  }

  /** Runs the import while the CSV streams in; answers when it is done (problem+json when it failed). */
  @Put(':id/csv')
  @HttpCode(200)
  async upload(@Param('id') id: string, @Req() req: Request): Promise<ImportJobView> {
    const job = this.jobs.get(TenantContext.require(), id);
    assertCsvBody(req);
    req.on('aborted', () => job.cancel());
    await this.importer.import(req, { onDuplicate: job.onDuplicate, mapping: job.mapping, job });
    return job.view();
  }

  @Get(':id')
  get(@Param('id') id: string): ImportJobView {
    return this.jobs.get(TenantContext.require(), id).view();
  }

  /** Progress as server-sent events (`progress` while it runs, then one `finished`), ending with the import. */
  @Sse(':id/events')
  events(@Param('id') id: string): Observable<MessageEvent> {
    const job = this.jobs.get(TenantContext.require(), id);
    const current = of(job.view());
    const updates = job.finished ? of<ImportJobView>() : job.events;
    return concat(current, updates).pipe(
      map((view) => ({ type: view.phase === 'done' ? 'finished' : 'progress', data: view })),
    );
  }

  /** Stops a running import (it rolls back: nothing is written); a finished one stays as it is. */
  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Param('id') id: string): ImportJobView {
    const job = this.jobs.get(TenantContext.require(), id);
    job.cancel();
    return job.view();
  }

  @Get(':id/errors.csv')
  errors(@Param('id') id: string, @Res() res: Response): void {
    const job = this.jobs.get(TenantContext.require(), id);
    res.status(200).type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${job.id}-errors.csv"`);
    res.send(importErrorsCsv(job.errors));
  }
}
