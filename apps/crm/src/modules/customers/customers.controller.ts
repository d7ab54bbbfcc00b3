import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { AppError, ErrorKind, parseOrThrow, TenantContext } from '@cc/platform';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { TenantApi } from '@cc/platform';
import { interactionView } from '../interactions/interaction.view';
import { InteractionsService } from '../interactions/interactions.service';
import { leadView } from '../leads/lead.view';
import { LeadsService } from '../leads/leads.service';
import { ValueService } from '../value/value.service';
import { customerEtag, customerView, versionFromIfMatch } from './customer.view';
import { CustomersImportService, type ImportReport } from './customers-import.service';
import { CustomersService } from './customers.service';
import { ImportJobs } from './import-job';
import { assertCsvBody } from './imports.controller';

const ImportQuerySchema = z
  .object({
    onDuplicate: z.enum(['skip', 'merge']).default('skip'),
    /** `Header:column,Header2:column2`, e.g. `Vorname:first_name,Telefon:phone`. */
    map: z
      .string()
      .max(4_000)
      .regex(/^([^:,]+:[^:,]+)(,[^:,]+:[^:,]+)*$/, 'must be Header:column pairs separated by commas')
      .optional(),
  })
  .strict();

const NoteSchema = z
  .object({
    eventId: z.string().min(1).max(128),
    channel: z.enum(['note', 'email', 'callback', 'call']).default('note'),
    notes: z.string().min(1).max(10_000),
    agentId: z.string().min(1).max(128).optional(),
    occurredAt: z.coerce.date().optional(),
  })
  .strict();

/** Customers of the tenant in `x-tenant-id`: CRUD, search, CSV import/export, and their history. */
@Controller('v1/customers')
@TenantApi()
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly importer: CustomersImportService,
    private readonly jobs: ImportJobs,
    private readonly interactions: InteractionsService,
    private readonly leads: LeadsService,
    private readonly value: ValueService,
  ) {}

  @Post()
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const customer = await this.customers.create(body);
    res.setHeader('ETag', customerEtag(customer.version));
    res.setHeader('Location', `/v1/customers/${customer.id}`);
    return customerView(customer);
  }

  @Get()
  async search(@Query() query: unknown) {
    const page = await this.customers.search(query);
    return { items: page.items.map(customerView), nextCursor: page.nextCursor };
  }

  @Get('export')
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(200).type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="customers.csv"');
    const aborted = new AbortController();
    req.on('close', () => aborted.abort());
    await this.importer.export(res, aborted.signal);
  }

  /**
   * The body is the CSV itself (`Content-Type: text/csv`), streamed, not buffered. The one-shot form
   * of `/v1/imports`: the import is a resource too (`Content-Location`), so its error report can be
   * downloaded afterwards.
   */
  @Post('import')
  @HttpCode(200)
  async import(
    @Req() req: Request,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportReport> {
    const q = parseOrThrow(ImportQuerySchema, query, 'query');
    assertCsvBody(req);
    const mapping = Object.fromEntries(
      (q.map ?? '')
        .split(',')
        .filter((p) => p)
        .map((pair) => pair.split(':').map((s) => s.trim()) as [string, string]),
    );
    const job = this.jobs.create(TenantContext.require(), q.onDuplicate, mapping);
    res.setHeader('Content-Location', `/v1/imports/${job.id}`);
    req.on('aborted', () => job.cancel());
    return this.importer.import(req, { onDuplicate: q.onDuplicate, mapping, job });
  }

  @Get(':id')
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    const customer = await this.customers.get(id);
    res.setHeader('ETag', customerEtag(customer.version));
    return customerView(customer);
  }

  /** A partial update; with `If-Match: W/"<version>"`, a stale version is 412 instead of a lost update. */
  @Patch(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const expected = versionFromIfMatch(ifMatch);
    if (expected === null) {
      throw AppError.invalid([
        { field: 'headers.if-match', rule: 'etag', message: 'must be an ETag of this customer, e.g. W/"3"' },
      ]);
    }
    try {
      const customer = await this.customers.update(id, body, expected);
      res.setHeader('ETag', customerEtag(customer.version));
      return customerView(customer);
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.Conflict && expected !== undefined) {
        throw new AppError(ErrorKind.FailedPrecondition, error.message, {
          code: 'crm.precondition_failed',
          violations: [{ field: 'headers.if-match', rule: 'stale', message: error.message }],
        });
      }
      throw error;
    }
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.customers.delete(id);
  }

  @Get(':id/interactions')
  async interactionsOf(@Param('id') id: string) {
    const items = await this.interactions.listForCustomer(id);
    return { items: items.map(interactionView) };
  }

  /** A note, email or callback an agent records by hand; `eventId` makes a retry harmless. */
  @Post(':id/interactions')
  async addInteraction(@Param('id') id: string, @Body() body: unknown) {
    const note = parseOrThrow(NoteSchema, body, 'body');
    return this.interactions.record({ ...note, customerId: id }, 'body');
  }

  @Get(':id/leads')
  async leadsOf(@Param('id') id: string) {
    const items = await this.leads.listForCustomer(id);
    return { items: items.map(leadView) };
  }

  @Post(':id/leads')
  async addLead(@Param('id') id: string, @Body() body: unknown) {
    return leadView(await this.leads.create(id, body));
  }

  /** A sale (or refund): adds to the lifetime value and re-ranks the tenant's value tiers. */
  @Post(':id/revenue')
  async addRevenue(@Param('id') id: string, @Body() body: unknown) {
    const result = await this.value.addRevenue(id, body);
    return { ...result, lifetimeValueMinor: result.lifetimeValueMinor.toString() };
  }
}
