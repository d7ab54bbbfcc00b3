import { Injectable } from '@nestjs/common';
import type { FieldViolation } from '@cc/contracts';
import { AppError, ErrorKind, parseOrThrow } from '@cc/platform';
import { CrmDatabase, type CrmTx } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { PHONE_REASON_MESSAGES, parsePhoneNumber } from '../phone/phone-number.util';
import { SettingsRepository } from '../settings/settings.repository';
import type { CustomerRecord } from './customer.model';
import { applyCustomerPatch, type PreparedCustomer, prepareCustomer } from './customer-preparation.util';
import {
  CreateCustomerSchema,
  SearchCustomersSchema,
  UpdateCustomerSchema,
  type UpdateCustomerInput,
} from './customer.schema';
import { CustomersRepository, toCustomerRecord } from './customers.repository';

export interface CustomerPage {
  items: CustomerRecord[];
  nextCursor: string | null;
}

export const phoneId = (): string => newId('ph');

/** Thrown when the caller's version is stale; the transports map it (HTTP 412 with If-Match, gRPC ABORTED). */
export function versionConflict(id: string, expected: number, actual: number): AppError {
  return new AppError(ErrorKind.Conflict, `customer ${id} is at version ${actual}, not ${expected}`, {
    code: 'crm.version_conflict',
    violations: [{ field: 'version', rule: 'stale', message: `is ${actual} now; reload and retry` }],
  });
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly customers: CustomersRepository,
    private readonly settings: SettingsRepository,
  ) {}

  async create(body: unknown): Promise<CustomerRecord> {
    const input = parseOrThrow(CreateCustomerSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const definitions = await this.settings.listFields(tx, tenantId);
      const prepared = prepareCustomer(input, { defaultCountry: settings.defaultCountry, definitions });
      if (!prepared.ok) throw AppError.invalid(prefixed(prepared.violations, 'body'));
      await this.assertUnique(tx, tenantId, prepared.value, undefined, 'body');
      const row = await this.customers.insert(tx, tenantId, newId('cus'), prepared.value, phoneId);
      await this.customers.attachOrphanInteractions(tx, tenantId, [row.id]);
      return toCustomerRecord(row, settings.currency);
    });
  }

  async get(id: string): Promise<CustomerRecord> {
    return this.database.tenant(async (tx, tenantId) => {
      const row = await this.customers.findById(tx, tenantId, id);
      if (!row) throw AppError.notFound('customer', id);
      const settings = await this.settings.get(tx, tenantId);
      return toCustomerRecord(row, settings.currency);
    });
  }

  /**
   * Applies a change. With `expectedVersion`, a concurrent change in between is a version conflict
   * instead of a lost update. `fromText`: custom field values arrive as text (gRPC).
   */
  async update(
    id: string,
    body: unknown,
    expectedVersion?: number,
    options: { fromText?: boolean; fieldPrefix?: string } = {},
  ): Promise<CustomerRecord> {
    const fieldPrefix = options.fieldPrefix ?? 'body';
    const patch: UpdateCustomerInput = parseOrThrow(UpdateCustomerSchema, body, fieldPrefix);
    return this.database.tenant(async (tx, tenantId) => {
      const row = await this.customers.findById(tx, tenantId, id);
      if (!row) throw AppError.notFound('customer', id);
      const settings = await this.settings.get(tx, tenantId);
      const current = toCustomerRecord(row, settings.currency);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw versionConflict(id, expectedVersion, current.version);
      }
      const definitions = await this.settings.listFields(tx, tenantId);
      const prepared = applyCustomerPatch(
        current,
        patch,
        { defaultCountry: settings.defaultCountry, definitions },
        { fromText: options.fromText ?? false },
      );
      if (!prepared.ok) throw AppError.invalid(prefixed(prepared.violations, fieldPrefix));
      await this.assertUnique(tx, tenantId, prepared.value, id, fieldPrefix);
      const written = await this.customers.update(
        tx,
        tenantId,
        id,
        prepared.value,
        current.version,
        patch.phoneNumbers !== undefined,
        phoneId,
      );
      if (!written) {
        const now = await this.customers.findById(tx, tenantId, id);
        if (!now) throw AppError.notFound('customer', id);
        throw versionConflict(id, current.version, now.version);
      }
      if (patch.phoneNumbers !== undefined) await this.customers.attachOrphanInteractions(tx, tenantId, [id]);
      const updated = await this.customers.findById(tx, tenantId, id);
      return toCustomerRecord(updated!, settings.currency);
    });
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.database.tenant((tx, tenantId) => this.customers.delete(tx, tenantId, id));
    if (!deleted) throw AppError.notFound('customer', id);
  }

  /** Search by name prefix, phone (any form), email or tag; cursor pagination in id order. */
  async search(query: unknown): Promise<CustomerPage> {
    const q = parseOrThrow(SearchCustomersSchema, query, 'query');
    const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      let e164: string | undefined;
      if (q.phone !== undefined) {
        const parsed = parsePhoneNumber(q.phone, settings.defaultCountry ?? undefined);
        if (!parsed.ok) {
          throw AppError.invalid([
            {
              field: 'query.phone',
              rule: `phone_${parsed.reason}`,
              message: PHONE_REASON_MESSAGES[parsed.reason],
            },
          ]);
        }
        e164 = parsed.number.e164;
      }
      const ids = await this.customers.searchIds(tx, tenantId, {
        name: q.name,
        email: q.email,
        tag: q.tag,
        e164,
        afterId,
        limit: q.limit + 1,
      });
      const pageIds = ids.slice(0, q.limit);
      const rows = await this.customers.findByIds(tx, tenantId, pageIds);
      const last = pageIds[pageIds.length - 1];
      return {
        items: rows.map((r) => toCustomerRecord(r, settings.currency)),
        nextCursor: ids.length > q.limit && last ? encodeCursor(last) : null,
      };
    });
  }

  /** Refuses a phone number or external reference that another customer of the tenant holds. */
  private async assertUnique(
    tx: CrmTx,
    tenantId: string,
    customer: PreparedCustomer,
    exceptId: string | undefined,
    prefix: string,
  ): Promise<void> {
    const violations: FieldViolation[] = [];
    const owners = await this.customers.phoneOwners(
      tx,
      tenantId,
      customer.phones.map((p) => p.e164),
      exceptId,
    );
    customer.phones.forEach((p, i) => {
      const owner = owners.get(p.e164);
      if (owner) {
        violations.push({
          field: `${prefix}.phoneNumbers.${i}.number`,
          rule: 'unique',
          message: `${p.e164} already belongs to customer ${owner}`,
        });
      }
    });
    if (customer.externalRef) {
      const refOwners = await this.customers.externalRefOwners(
        tx,
        tenantId,
        [customer.externalRef],
        exceptId,
      );
      const owner = refOwners.get(customer.externalRef);
      if (owner) {
        violations.push({
          field: `${prefix}.externalRef`,
          rule: 'unique',
          message: `already belongs to customer ${owner}`,
        });
      }
    }
    if (violations.length > 0) {
      throw new AppError(
        ErrorKind.AlreadyExists,
        violations.map((v) => `${v.field}: ${v.message}`).join('; '),
        {
          code: 'crm.customer_duplicate',
          violations,
        },
      );
    }
  }
}

function prefixed(violations: FieldViolation[], prefix: string): FieldViolation[] {
  return violations.map((v) => ({ ...v, field: prefix ? `${prefix}.${v.field}` : v.field }));
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^cus_[0-9a-z]+$/.test(id)) {
    throw AppError.invalid([
      { field: 'query.cursor', rule: 'invalid_cursor', message: 'is not a cursor of this list' },
    ]);
  }
  return id;
}
