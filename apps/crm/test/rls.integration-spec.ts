import { UNPROTECTED_TENANT_TABLES_SQL, TenantContext, createPgPool, TenantDb } from '@cc/platform';
import { Client } from 'pg';
import { CRM_SCHEMA } from '../src/config/crm.config';
import { crmTestDatabase, uniqueTenants } from './crm-test-app';
import type { TestDatabase } from '@cc/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';

describe('crm schema: row-level security', () => {
  let db: TestDatabase;
  let owner: Client;
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];

  beforeAll(async () => {
    db = await crmTestDatabase();
    owner = new Client({ connectionString: db.url });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
  });

  it('protects every table with a tenant_id by a forced tenant policy', async () => {
    const tables = await owner.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'tenant_id' ORDER BY 1`,
      [CRM_SCHEMA],
    );
    // The check must have something to check: all nine tenant-owned tables.
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'custom_field_definition',
      'customer',
      'dnc_entry',
      'interaction',
      'lead',
      'outbox_event',
      'phone_number',
      'revenue_record',
      'tenant_settings',
    ]);
    const unprotected = await owner.query(UNPROTECTED_TENANT_TABLES_SQL, [CRM_SCHEMA, 'tenant_id']);
    expect(unprotected.rows).toEqual([]);
  });

  it('hides other tenants rows from the app role and refuses writes into them; the operator list is read-only to tenants', async () => {
    const pool = createPgPool({ url: db.url, schema: CRM_SCHEMA, role: 'cc_app', max: 2 });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: CRM_SCHEMA }) });
    const tenantDb = new TenantDb(prisma);
    try {
      await TenantContext.run({ tenantId: tenantA }, () =>
        tenantDb.tenant((tx) =>
          tx.customer.create({
            data: {
              id: 'cus_rls_a',
              tenantId: tenantA,
              displayName: 'A',
              searchName: 'a',
              searchNameReversed: 'a',
            },
          }),
        ),
      );
      const seenByB = await TenantContext.run({ tenantId: tenantB }, () =>
        tenantDb.tenant((tx) => tx.customer.findMany()),
      );
      expect(seenByB).toEqual([]);
      await expect(
        TenantContext.run({ tenantId: tenantB }, () =>
          tenantDb.tenant((tx) =>
            tx.phoneNumber.create({
              data: {
                id: 'ph_rls',
                tenantId: tenantA,
                customerId: 'cus_rls_a',
                e164: '+41446681800',
                raw: 'x',
              },
            }),
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        TenantContext.run({ tenantId: tenantA }, () =>
          tenantDb.tenant((tx) =>
            tx.operatorDncEntry.create({ data: { e164: '+41446681800', reason: 'x', source: 'tenant' } }),
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      await tenantDb.operator((tx) =>
        tx.operatorDncEntry.create({
          data: { e164: '+41446681800', reason: 'regulator', source: 'operator' },
        }),
      );
      const readByTenant = await TenantContext.run({ tenantId: tenantB }, () =>
        tenantDb.tenant((tx) => tx.operatorDncEntry.findMany()),
      );
      expect(readByTenant.map((e) => e.e164)).toEqual(['+41446681800']);
      const raw = await pool.query('SELECT * FROM customer');
      expect(raw.rows).toEqual([]);
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });
});
