import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import type { CrmTx } from '../../infrastructure/crm-database';
import type { CustomFieldValues } from './custom-field.util';
import { type CustomerPhone, type CustomerRecord, likePrefix, searchKey } from './customer.model';
import type { PreparedCustomer } from './customer-preparation.util';
import type { Address } from './customer.schema';

const withPhones = { phoneNumbers: { orderBy: { createdAt: 'asc' } } } satisfies Prisma.CustomerInclude;
type CustomerRow = Prisma.CustomerGetPayload<{ include: typeof withPhones }>;

export function toCustomerRecord(row: CustomerRow, currency: string): CustomerRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    firstName: row.firstName,
    lastName: row.lastName,
    displayName: row.displayName,
    language: row.language,
    timeZone: row.timeZone,
    emails: row.emails,
    addresses: row.addresses as unknown as Address[],
    phoneNumbers: row.phoneNumbers.map((p) => ({
      e164: p.e164,
      raw: p.raw,
      extension: p.extension,
      kind: p.kind,
    })),
    externalRef: row.externalRef,
    tags: row.tags,
    customFields: row.customFields as CustomFieldValues,
    consent: { recording: row.consentRecording, marketing: row.consentMarketing },
    lifetimeValueMinor: row.lifetimeValueMinor,
    currency,
    valueTier: row.valueTier,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function columns(customer: PreparedCustomer) {
  return {
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: customer.displayName,
    searchName: customer.searchName,
    searchNameReversed: customer.searchNameReversed,
    language: customer.language,
    timeZone: customer.timeZone,
    emails: customer.emails,
    addresses: customer.addresses as unknown as Prisma.InputJsonValue,
    externalRef: customer.externalRef,
    tags: customer.tags,
    customFields: customer.customFields as Prisma.InputJsonValue,
    consentRecording: customer.consentRecording,
    consentMarketing: customer.consentMarketing,
  };
}

function phoneRows(
  tenantId: string,
  customerId: string,
  phones: readonly CustomerPhone[],
  ids: () => string,
) {
  return phones.map((p) => ({
    id: ids(),
    tenantId,
    customerId,
    e164: p.e164,
    raw: p.raw,
    extension: p.extension,
    kind: p.kind,
  }));
}

export interface CustomerSearch {
  name?: string | undefined;
  e164?: string | undefined;
  email?: string | undefined;
  tag?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

/** Customers and their phone numbers. Every method filters by tenant itself; RLS is the second wall. */
@Injectable()
export class CustomersRepository {
  findById(tx: CrmTx, tenantId: string, id: string): Promise<CustomerRow | null> {
    return tx.customer.findFirst({ where: { id, tenantId }, include: withPhones });
  }

  findByIds(tx: CrmTx, tenantId: string, ids: string[]): Promise<CustomerRow[]> {
    return tx.customer.findMany({
      where: { tenantId, id: { in: ids } },
      include: withPhones,
      orderBy: { id: 'asc' },
    });
  }

  async findIdByPhone(tx: CrmTx, tenantId: string, e164: string): Promise<string | undefined> {
    const row = await tx.phoneNumber.findUnique({
      where: { tenantId_e164: { tenantId, e164 } },
      select: { customerId: true },
    });
    return row?.customerId;
  }

  /** Which of these numbers already belong to a customer (other than `exceptCustomerId`). */
  async phoneOwners(
    tx: CrmTx,
    tenantId: string,
    e164s: string[],
    exceptCustomerId?: string,
  ): Promise<Map<string, string>> {
    if (e164s.length === 0) return new Map();
    const rows = await tx.phoneNumber.findMany({
      where: {
        tenantId,
        e164: { in: e164s },
        ...(exceptCustomerId ? { customerId: { not: exceptCustomerId } } : {}),
      },
      select: { e164: true, customerId: true },
    });
    return new Map(rows.map((r) => [r.e164, r.customerId]));
  }

  async externalRefOwners(
    tx: CrmTx,
    tenantId: string,
    refs: string[],
    exceptCustomerId?: string,
  ): Promise<Map<string, string>> {
    if (refs.length === 0) return new Map();
    const rows = await tx.customer.findMany({
      where: {
        tenantId,
        externalRef: { in: refs },
        ...(exceptCustomerId ? { id: { not: exceptCustomerId } } : {}),
      },
      select: { id: true, externalRef: true },
    });
    return new Map(rows.map((r) => [r.externalRef!, r.id]));
  }

  async insert(
    tx: CrmTx,
    tenantId: string,
    id: string,
    customer: PreparedCustomer,
    ids: () => string,
  ): Promise<CustomerRow> {
    return tx.customer.create({
      data: {
        id,
        tenantId,
        ...columns(customer),
        phoneNumbers: {
          create: customer.phones.map((p) => ({
            id: ids(),
            tenantId,
            e164: p.e164,
            raw: p.raw,
            extension: p.extension,
            kind: p.kind,
          })),
        },
      },
      include: withPhones,
    });
  }

  /**
   * Many new customers at once (CSV import): one statement per table and chunk, the rows travelling
   * as one JSON document that Postgres unpacks (json_to_recordset), instead of thousands of bound
   * parameters through the ORM, which was most of an import's time.
   */
  async insertMany(
    tx: CrmTx,
    tenantId: string,
    customers: readonly { id: string; customer: PreparedCustomer }[],
    ids: () => string,
  ): Promise<void> {
    if (customers.length === 0) return;
    const rows = customers.map(({ id, customer: c }) => ({
      id,
      tenant_id: tenantId,
      first_name: c.firstName,
      last_name: c.lastName,
      display_name: c.displayName,
      search_name: c.searchName,
      search_name_reversed: c.searchNameReversed,
      language: c.language,
      time_zone: c.timeZone,
      emails: c.emails,
      addresses: c.addresses,
      external_ref: c.externalRef,
      tags: c.tags,
      custom_fields: c.customFields,
      consent_recording: c.consentRecording,
      consent_marketing: c.consentMarketing,
    }));
    await tx.$executeRawUnsafe(
      `INSERT INTO customer (id, tenant_id, first_name, last_name, display_name, search_name, search_name_reversed,
                             language, time_zone, emails, addresses, external_ref, tags, custom_fields,
                             consent_recording, consent_marketing)
       SELECT id, tenant_id, first_name, last_name, display_name, search_name, search_name_reversed, language,
              time_zone, emails, addresses, external_ref, tags, custom_fields, consent_recording, consent_marketing
         FROM json_to_recordset($1::json) AS r(id text, tenant_id text, first_name text, last_name text,
              display_name text, search_name text, search_name_reversed text, language text, time_zone text,
              emails text[], addresses jsonb, external_ref text, tags text[], custom_fields jsonb,
              consent_recording boolean, consent_marketing boolean)`,
      JSON.stringify(rows),
    );
    const phones = customers.flatMap(({ id, customer }) => phoneRows(tenantId, id, customer.phones, ids));
    if (phones.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO phone_number (id, tenant_id, customer_id, e164, raw, extension, kind)
       SELECT id, "tenantId", "customerId", e164, raw, extension, kind
         FROM json_to_recordset($1::json) AS r(id text, "tenantId" text, "customerId" text, e164 text, raw text,
              extension text, kind text)`,
      JSON.stringify(phones),
    );
  }

  /**
   * Writes the customer as prepared when its version is still `expectedVersion` (any version when
   * undefined), bumping the version. Returns false when no row matched.
   */
  async update(
    tx: CrmTx,
    tenantId: string,
    id: string,
    customer: PreparedCustomer,
    expectedVersion: number | undefined,
    replacePhones: boolean,
    ids: () => string,
  ): Promise<boolean> {
    const { count } = await tx.customer.updateMany({
      where: { id, tenantId, ...(expectedVersion === undefined ? {} : { version: expectedVersion }) },
      data: { ...columns(customer), version: { increment: 1 } },
    });
    if (count === 0) return false;
    if (replacePhones) {
      await tx.phoneNumber.deleteMany({ where: { tenantId, customerId: id } });
      const phones = phoneRows(tenantId, id, customer.phones, ids);
      if (phones.length > 0) await tx.phoneNumber.createMany({ data: phones });
    }
    return true;
  }

  /**
   * Gives interactions recorded for a number nobody owned (unknown callers) to the customers that now
   * own it, so a caller's history appears once someone creates them.
   */
  async attachOrphanInteractions(tx: CrmTx, tenantId: string, customerIds: string[]): Promise<number> {
    if (customerIds.length === 0) return 0;
    return tx.$executeRaw`
      UPDATE interaction i SET customer_id = p.customer_id
        FROM phone_number p
       WHERE i.tenant_id = ${tenantId} AND i.customer_id IS NULL
         AND p.tenant_id = ${tenantId} AND p.e164 = i.phone_e164 AND p.customer_id = ANY(${customerIds}::text[])`;
  }

  async delete(tx: CrmTx, tenantId: string, id: string): Promise<boolean> {
    const { count } = await tx.customer.deleteMany({ where: { id, tenantId } });
    return count > 0;
  }

  /** Ids matching every given criterion, in id order after `afterId` (keyset pagination). */
  async searchIds(tx: CrmTx, tenantId: string, search: CustomerSearch): Promise<string[]> {
    const conditions: Prisma.Sql[] = [Prisma.sql`c.tenant_id = ${tenantId}`];
    if (search.name) {
      const pattern = likePrefix(searchKey(search.name));
      conditions.push(Prisma.sql`(c.search_name LIKE ${pattern} OR c.search_name_reversed LIKE ${pattern})`);
    }
    if (search.email) conditions.push(Prisma.sql`c.emails @> ARRAY[${search.email.toLowerCase()}]::text[]`);
    if (search.tag) conditions.push(Prisma.sql`c.tags @> ARRAY[${search.tag}]::text[]`);
    if (search.e164) {
      conditions.push(
        Prisma.sql`c.id IN (SELECT p.customer_id FROM phone_number p WHERE p.tenant_id = ${tenantId} AND p.e164 = ${search.e164})`,
      );
    }
    if (search.afterId) conditions.push(Prisma.sql`c.id > ${search.afterId}`);
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT c.id FROM customer c WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY c.id LIMIT ${search.limit}`;
    return rows.map((r) => r.id);
  }

  /** One page of every customer, for export. */
  async page(
    tx: CrmTx,
    tenantId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<CustomerRow[]> {
    return tx.customer.findMany({
      where: { tenantId, ...(afterId ? { id: { gt: afterId } } : {}) },
      include: withPhones,
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
