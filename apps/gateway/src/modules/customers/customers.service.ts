import { Transform, type Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '@cc/platform';
import { AuditService } from '../audit/audit.service';
import { etagOf } from '../http/etag.util';
import type { Page } from '../http/pagination.util';
import { HttpUpstreams } from '../upstreams/http-upstreams';
import type { Versioned } from '../users/users.service';
import type {
  CreateCustomer,
  CreateNote,
  CustomerView,
  ImportQuery,
  ImportReport,
  InteractionView,
  SearchCustomers,
  UpdateCustomer,
} from './customer.schema';

/** The version an If-Match names (the gateway's `"v3"`, or crm's `W/"3"`); null when unreadable. */
export function versionOfIfMatch(ifMatch: string | undefined): number | undefined | null {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"v?(\d{1,9})"\s*$/.exec(ifMatch);
  return match ? Number(match[1]) : null;
}

/** Refuses a CSV upload beyond `maxBytes` (413-like 400 naming the body) while streaming it. */
function limitBytes(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(
          AppError.invalid([
            { field: 'body', rule: 'max_bytes', message: `must be at most ${maxBytes} bytes` },
          ]),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

export const CSV_IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A tenant's customers, kept by crm and reached over crm's internal REST API (docs/adr/0014): the
 * tenant travels in `x-tenant-id`, from the credential only.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly upstreams: HttpUpstreams,
    private readonly audit: AuditService,
  ) {}

  private get crm() {
    return this.upstreams.crm;
  }

  async create(actor: string, tenantId: string, input: CreateCustomer): Promise<Versioned<CustomerView>> {
    const { body } = await this.crm.json<CustomerView>({
      method: 'POST',
      path: 'v1/customers',
      tenantId,
      body: input,
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'customer.created',
      resourceType: 'customer',
      resourceId: body.id,
      after: body,
    });
    return { value: body, version: body.version };
  }

  async search(tenantId: string, query: SearchCustomers): Promise<Page<CustomerView>> {
    const { body } = await this.crm.json<{ items: CustomerView[]; nextCursor?: string | null }>({
      method: 'GET',
      path: 'v1/customers',
      tenantId,
      query,
    });
    return body.nextCursor ? { data: body.items, nextCursor: body.nextCursor } : { data: body.items };
  }

  async get(tenantId: string, customerId: string): Promise<Versioned<CustomerView>> {
    const { body } = await this.crm.json<CustomerView>({
      method: 'GET',
      path: `v1/customers/${encodeURIComponent(customerId)}`,
      tenantId,
    });
    return { value: body, version: body.version };
  }

  async update(
    actor: string,
    tenantId: string,
    customerId: string,
    change: UpdateCustomer,
    ifMatch: string | undefined,
  ): Promise<Versioned<CustomerView>> {
    const expected = versionOfIfMatch(ifMatch);
    if (expected === null) {
      throw AppError.invalid([
        { field: 'header.If-Match', rule: 'etag', message: 'must be an ETag this API returned' },
      ]);
    }
    const before = await this.get(tenantId, customerId);
    if (expected !== undefined && expected !== before.version) throw this.stale(before.version);
    const { body } = await this.crm.json<CustomerView>({
      method: 'PATCH',
      path: `v1/customers/${encodeURIComponent(customerId)}`,
      tenantId,
      body: change,
      // crm checks the version again as it writes: a change in between is a 412, not a lost update.
      headers: { 'if-match': `W/"${before.version}"` },
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'customer.updated',
      resourceType: 'customer',
      resourceId: customerId,
      before: before.value,
      after: body,
    });
    return { value: body, version: body.version };
  }

  async remove(
    actor: string,
    tenantId: string,
    customerId: string,
    ifMatch: string | undefined,
  ): Promise<void> {
    const expected = versionOfIfMatch(ifMatch);
    if (expected === null) {
      throw AppError.invalid([
        { field: 'header.If-Match', rule: 'etag', message: 'must be an ETag this API returned' },
      ]);
    }
    const before = await this.get(tenantId, customerId);
    if (expected !== undefined && expected !== before.version) throw this.stale(before.version);
    await this.crm.json({
      method: 'DELETE',
      path: `v1/customers/${encodeURIComponent(customerId)}`,
      tenantId,
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'customer.deleted',
      resourceType: 'customer',
      resourceId: customerId,
      before: before.value,
    });
  }

  async interactions(tenantId: string, customerId: string): Promise<{ data: InteractionView[] }> {
    const { body } = await this.crm.json<{ items: InteractionView[] }>({
      method: 'GET',
      path: `v1/customers/${encodeURIComponent(customerId)}/interactions`,
      tenantId,
    });
    return { data: body.items };
  }

  async addNote(
    actor: string,
    tenantId: string,
    customerId: string,
    note: CreateNote,
  ): Promise<{ interactionId: string; customerId: string | null; created: boolean }> {
    const { body } = await this.crm.json<{
      interactionId: string;
      customerId: string | null;
      created: boolean;
    }>({
      method: 'POST',
      path: `v1/customers/${encodeURIComponent(customerId)}/interactions`,
      tenantId,
      body: note,
    });
    if (body.created) {
      await this.audit.recordAfter({
        tenantId,
        actor,
        action: 'customer.interaction_added',
        resourceType: 'customer',
        resourceId: customerId,
        after: { interactionId: body.interactionId, channel: note.channel, eventId: note.eventId },
      });
    }
    return body;
  }

  /** Streams crm's CSV export through (never buffered). */
  exportCsv(tenantId: string, signal: AbortSignal): Promise<Response> {
    return this.crm.raw(
      { method: 'GET', path: 'v1/customers/export', tenantId, headers: { accept: 'text/csv' } },
      signal,
    );
  }

  /** Streams the uploaded CSV to crm, which validates every row and writes all or nothing. */
  async importCsv(
    actor: string,
    tenantId: string,
    csv: Readable,
    contentType: string,
    query: ImportQuery,
  ): Promise<ImportReport> {
    const limited = csv.pipe(limitBytes(CSV_IMPORT_MAX_BYTES));
    csv.on('error', (error) => limited.destroy(error));
    const { body } = await this.crm.json<ImportReport>({
      method: 'POST',
      path: 'v1/customers/import',
      tenantId,
      query,
      stream: { body: limited, contentType },
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'customers.imported',
      resourceType: 'customer_import',
      resourceId: `import:${new Date().toISOString()}`,
      after: { ...body, onDuplicate: query.onDuplicate },
    });
    return body;
  }

  private stale(current: number): AppError {
    return new AppError(
      ErrorKind.FailedPrecondition,
      `If-Match does not match the current version ${etagOf(current)}`,
      {
        code: 'precondition_failed',
      },
    );
  }
}
