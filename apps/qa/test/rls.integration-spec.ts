import { createPgPool, TenantContext, TenantDb, UNPROTECTED_TENANT_TABLES_SQL } from '@cc/platform';
import type { TestDatabase } from '@cc/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { QA_SCHEMA } from '../src/config/qa.config';
import { PrismaClient } from '../src/generated/prisma/client';
import { qaTestDatabase, uniqueTenants } from './qa-test-app';

describe('qa schema: row-level security (the second wall)', () => {
  let db: TestDatabase;
  let owner: Client;
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];

  beforeAll(async () => {
    db = await qaTestDatabase();
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
      [QA_SCHEMA],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'agent',
      'calibration',
      'call',
      'evaluation',
      'evaluation_comment',
      'outbox_event',
      'qa_settings',
      'sampling_stratum',
      'scorecard',
      'work_item',
    ]);
    const unprotected = await owner.query(UNPROTECTED_TENANT_TABLES_SQL, [QA_SCHEMA, 'tenant_id']);
    expect(unprotected.rows).toEqual([]);
  });

  it('hides other tenants rows from the app role, even when a query forgets its tenant filter, and refuses writes into them', async () => {
    const pool = createPgPool({ url: db.url, schema: QA_SCHEMA, role: 'cc_app', max: 2 });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: QA_SCHEMA }) });
    const tenantDb = new TenantDb(prisma);
    try {
      await TenantContext.run({ tenantId: tenantA }, () =>
        tenantDb.tenant(async (tx) => {
          await tx.call.create({ data: { tenantId: tenantA, callId: 'call-rls', agentId: 'agent-1' } });
          await tx.workItem.create({
            data: {
              id: 'wi_rls',
              tenantId: tenantA,
              callId: 'call-rls',
              agentId: 'agent-1',
              reasons: [],
              status: 'open',
            },
          });
        }),
      );
      // no tenant filter in these queries: only the policy stands between B and A
      const seenByB = await TenantContext.run({ tenantId: tenantB }, () =>
        tenantDb.tenant(async (tx) => [...(await tx.call.findMany()), ...(await tx.workItem.findMany())]),
      );
      expect(seenByB).toEqual([]);
      const changed = await TenantContext.run({ tenantId: tenantB }, () =>
        tenantDb.tenant((tx) => tx.workItem.updateMany({ data: { status: 'done' } })),
      );
      expect(changed.count).toBe(0);
      await expect(
        TenantContext.run({ tenantId: tenantB }, () =>
          tenantDb.tenant((tx) =>
            tx.evaluation.create({
              data: {
                id: 'ev_rls',
                tenantId: tenantA,
                callId: 'call-rls',
                agentId: 'agent-1',
                analystId: 'ann',
                scorecardId: 'sc',
                scorecardVersion: 1,
                kind: 'standard',
                status: 'draft',
                answers: {},
              },
            }),
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      const raw = await pool.query('SELECT * FROM work_item');
      expect(raw.rows).toEqual([]);
      const seenByA = await TenantContext.run({ tenantId: tenantA }, () =>
        tenantDb.tenant((tx) => tx.workItem.findMany()),
      );
      expect(seenByA.map((w) => w.status)).toEqual(['open']);
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });
});
