import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import { ApiBody, ApiConsumes, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AppError, ZodValidationPipe } from '@cc/platform';
import type { Request, Response } from 'express';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { idParam, withEtag } from '../http/http.util';
import { StreamedBody } from '../http/idempotency.interceptor';
import {
  IdempotentPost,
  IfMatchHeader,
  StandardErrors,
  ZodBody,
  ZodQuery,
  ZodResponse,
} from '../http/openapi.util';
import { pageSchema, type Page } from '../http/pagination.util';
import { z } from 'zod';
import {
  CreateCustomerSchema,
  CreateNoteSchema,
  CustomerViewSchema,
  ImportQuerySchema,
  ImportReportSchema,
  InteractionViewSchema,
  SearchCustomersSchema,
  UpdateCustomerSchema,
  type CreateCustomer,
  type CreateNote,
  type CustomerView,
  type ImportQuery,
  type ImportReport,
  type InteractionView,
  type SearchCustomers,
  type UpdateCustomer,
} from './customer.schema';
import { CustomersService } from './customers.service';

const NoteResultSchema = z.object({
  interactionId: z.string(),
  customerId: z.string().nullable(),
  created: z.boolean().describe('False when this eventId was recorded before.'),
});

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Authenticated({ audience: 'tenant', permission: 'customers:write' })
  @IdempotentPost()
  @ZodBody(CreateCustomerSchema)
  @ZodResponse(201, CustomerViewSchema, 'Created (ETag header)')
  @StandardErrors()
  async create(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(CreateCustomerSchema, 'body')) body: CreateCustomer,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CustomerView> {
    const created = await this.customers.create(p.id, p.tenantId, body);
    res.setHeader('Location', `/v1/customers/${created.value.id}`);
    return withEtag(res, created);
  }

  /** Search by name, phone number (any format), email or tag; cursor pagination. */
  @Get()
  @Authenticated({ audience: 'tenant', permission: 'customers:read' })
  @ZodQuery(SearchCustomersSchema)
  @ZodResponse(200, pageSchema(CustomerViewSchema), 'A page of customers')
  @StandardErrors()
  search(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(SearchCustomersSchema, 'query')) q: SearchCustomers,
  ): Promise<Page<CustomerView>> {
    return this.customers.search(p.tenantId, q);
  }

  /** Every customer as CSV (streamed). */
  @Get('export')
  @Authenticated({ audience: 'tenant', permission: 'customers:read' })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV, one customer a row', content: { 'text/csv': {} } })
  @StandardErrors()
  async export(
    @CurrentTenant() p: TenantPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const gone = new AbortController();
    req.on('close', () => gone.abort());
    const upstream = await this.customers.exportCsv(p.tenantId, gone.signal);
    res.status(200);
    res.setHeader('Content-Type', upstream.headers.get('content-type') ?? 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="customers.csv"');
    if (!upstream.body) {
      res.end();
      return;
    }
    const source = Readable.fromWeb(upstream.body);
    // A failure mid-stream can only cut the download short: the status line is gone.
    await pipeline(source, res).catch(() => res.destroy());
  }

  /**
   * The body is the CSV itself (`Content-Type: text/csv`), streamed to crm, which checks every row
   * and writes all of them or none. Idempotency-Key is refused here; retrying with
   * `onDuplicate=skip` is harmless (rows already imported are skipped).
   */
  @Post('import')
  @HttpCode(200)
  @StreamedBody()
  @Authenticated({ audience: 'tenant', permission: 'customers:write' })
  @ZodQuery(ImportQuerySchema)
  @ApiConsumes('text/csv')
  @ApiBody({ required: true, schema: { type: 'string', description: 'CSV with a header row' } })
  @ZodResponse(200, ImportReportSchema, 'The outcome: rows read, created, merged, skipped')
  @StandardErrors()
  import(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(ImportQuerySchema, 'query')) q: ImportQuery,
    @Req() req: Request,
  ): Promise<ImportReport> {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^text\/(csv|plain)\b/.test(contentType)) {
      throw AppError.invalid([
        { field: 'header.Content-Type', rule: 'media_type', message: 'must be text/csv' },
      ]);
    }
    return this.customers.importCsv(p.id, p.tenantId, req, contentType, q);
  }

  @Get(':customerId')
  @Authenticated({ audience: 'tenant', permission: 'customers:read' })
  @ZodResponse(200, CustomerViewSchema, 'The customer (ETag header)')
  @StandardErrors()
  async get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('customerId', idParam('customerId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CustomerView> {
    return withEtag(res, await this.customers.get(p.tenantId, id));
  }

  @Patch(':customerId')
  @Authenticated({ audience: 'tenant', permission: 'customers:write' })
  @IfMatchHeader()
  @ZodBody(UpdateCustomerSchema)
  @ZodResponse(200, CustomerViewSchema, 'Updated (ETag header)')
  @StandardErrors()
  async update(
    @CurrentTenant() p: TenantPrincipal,
    @Param('customerId', idParam('customerId')) id: string,
    @Body(new ZodValidationPipe(UpdateCustomerSchema, 'body')) body: UpdateCustomer,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CustomerView> {
    return withEtag(res, await this.customers.update(p.id, p.tenantId, id, body, ifMatch));
  }

  @Delete(':customerId')
  @HttpCode(204)
  @Authenticated({ audience: 'tenant', permission: 'customers:write' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Deleted')
  @StandardErrors()
  remove(
    @CurrentTenant() p: TenantPrincipal,
    @Param('customerId', idParam('customerId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.customers.remove(p.id, p.tenantId, id, ifMatch);
  }

  @Get(':customerId/interactions')
  @Authenticated({ audience: 'tenant', permission: 'customers:read' })
  @ZodResponse(200, z.object({ data: z.array(InteractionViewSchema) }), 'The 50 most recent, newest first')
  @StandardErrors()
  interactions(
    @CurrentTenant() p: TenantPrincipal,
    @Param('customerId', idParam('customerId')) id: string,
  ): Promise<{ data: InteractionView[] }> {
    return this.customers.interactions(p.tenantId, id);
  }

  /** A note, email or callback recorded by hand; `eventId` makes a retry harmless. */
  @Post(':customerId/interactions')
  @Authenticated({ audience: 'tenant', permission: 'customers:write' })
  @IdempotentPost()
  @ZodBody(CreateNoteSchema)
  @ZodResponse(201, NoteResultSchema, 'Recorded')
  @StandardErrors()
  addNote(
    @CurrentTenant() p: TenantPrincipal,
    @Param('customerId', idParam('customerId')) id: string,
    @Body(new ZodValidationPipe(CreateNoteSchema, 'body')) body: CreateNote,
  ): Promise<{ interactionId: string; customerId: string | null; created: boolean }> {
    return this.customers.addNote(p.id, p.tenantId, id, body);
  }
}
