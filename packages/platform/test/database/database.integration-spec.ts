import { createTestDatabase, uniqueTenantId, withDatabase as withDb } from '@cc/testing';
import { mkdirSync, mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, MigrationError, readMigrations } from '../../src/database/migrator';
import { UNPROTECTED_TENANT_TABLES_SQL } from '../../src/database/rls';
import { TenantDb } from '../../src/database/tenant-db';
import { MissingTenantContextError, TenantContext } from '../../src/tenancy/tenant-context';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA, fixtureDatabase } from './fixture/fixture-db';

async function query<T extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations (offline applier, Prisma layout)', () => {
  const empty = () =>
    createTestDatabase({ label: 'platform_empty', templateKey: 'empty0', migrate: () => Promise.resolve() });

  it('applies a migrations folder once, recording it exactly as Prisma does', async () => {
    const db = await empty();
    try {
      const first = await applyMigrations({
        url: db.url,
        schema: FIXTURE_SCHEMA,
        migrationsDir: FIXTURE_MIGRATIONS,
      });
      expect(first.applied).toEqual(['20261123000000_init']);
      const second = await applyMigrations({
        url: db.url,
        schema: FIXTURE_SCHEMA,
        migrationsDir: FIXTURE_MIGRATIONS,
      });
      expect(second).toEqual({ applied: [], alreadyApplied: ['20261123000000_init'] });

      const rows = await query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
      }>(
        db.url,
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM fixture._prisma_migrations`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.checksum).toBe(readMigrations(FIXTURE_MIGRATIONS)[0]!.checksum);
      expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.finished_at).toBeInstanceOf(Date);
      expect(rows[0]!.applied_steps_count).toBe(1);
    } finally {
      await db.drop();
    }
  });

  it('refuses an edited migration and rolls back a failing one without leaving half a schema', async () => {
    const db = await empty();
    const dir = mkdtempSync(join(tmpdir(), 'cc-migrations-'));
    try {
      cpSync(FIXTURE_MIGRATIONS, dir, { recursive: true });
      await applyMigrations({ url: db.url, schema: 'edited', migrationsDir: dir });

      writeFileSync(join(dir, '20261123000000_init/migration.sql'), '-- edited\nSELECT 1;');
      await expect(applyMigrations({ url: db.url, schema: 'edited', migrationsDir: dir })).rejects.toThrow(
        /edited after it was applied/,
      );

      const broken = mkdtempSync(join(tmpdir(), 'cc-migrations-'));
      mkdirSync(join(broken, '20261124000000_broken'));
      writeFileSync(
        join(broken, '20261124000000_broken/migration.sql'),
        'CREATE TABLE half (id int);\nCREATE TABLE half (id int);',
      );
      await expect(
        applyMigrations({ url: db.url, schema: 'broken', migrationsDir: broken }),
      ).rejects.toBeInstanceOf(MigrationError);
      const tables = await query(
        db.url,
        `SELECT 1 FROM information_schema.tables WHERE table_schema = 'broken' AND table_name = 'half'`,
      );
      expect(tables).toHaveLength(0);
      const recorded = await query(db.url, `SELECT 1 FROM broken._prisma_migrations`);
      expect(recorded).toHaveLength(0);
    } finally {
      await db.drop();
    }
  });
});

describe('deployment roles (schema owner without CREATEROLE, a dedicated login for the service)', () => {
  it('migrates as the owner and serves as the login role with RLS, without the shared cc_app role', async () => {
    const db = await createTestDatabase({
      label: 'platform_empty',
      templateKey: 'empty0',
      migrate: () => Promise.resolve(),
    });
    const suffix = uniqueTenantId('r').replace(/^r_/, '');
    const owner = `own_${suffix}`;
    const login = `own_${suffix}_app`;
    const admin = (sql: string) => query(db.url, sql);
    try {
      await admin(`CREATE ROLE ${owner} LOGIN NOCREATEROLE`);
      await admin(`CREATE ROLE ${login} LOGIN`);
      await admin(`GRANT CONNECT, CREATE ON DATABASE ${db.name} TO ${owner}`);
      await admin(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} GRANT USAGE ON SCHEMAS TO ${login}`);
      await admin(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${login}`,
      );
      const asOwner = new URL(db.url);
      asOwner.username = owner;
      const result = await applyMigrations({
        url: asOwner.toString(),
        schema: 'deployed',
        migrationsDir: FIXTURE_MIGRATIONS,
      });
      expect(result.applied).toHaveLength(1);

      const asLogin = new URL(db.url);
      asLogin.username = login;
      const client = new Client({ connectionString: asLogin.toString(), options: '-c search_path=deployed' });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.tenant_id', 't_one', true)`);
        await client.query(`INSERT INTO note (id, tenant_id, body) VALUES ('n1', 't_one', 'mine')`);
        await expect(
          client.query(`INSERT INTO note (id, tenant_id, body) VALUES ('n2', 't_two', 'theirs')`),
        ).rejects.toThrow(/row-level security/);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
      await query(withDb(db.url, 'postgres'), `DROP ROLE IF EXISTS ${login}`);
      await query(withDb(db.url, 'postgres'), `DROP OWNED BY ${owner} CASCADE`).catch(() => undefined);
      await query(withDb(db.url, 'postgres'), `DROP ROLE IF EXISTS ${owner}`);
    }
  });
});

describe('row-level security through TenantDb and Prisma', () => {
  let fx: Awaited<ReturnType<typeof fixtureDatabase>>;
  let db: TenantDb<typeof fx.prisma>;
  const tenantA = uniqueTenantId('a');
  const tenantB = uniqueTenantId('b');

  beforeAll(async () => {
    fx = await fixtureDatabase();
    db = new TenantDb(fx.prisma as never);
  });
  afterAll(async () => fx.close());

  it('protects every tenant-owned table of the schema with a forced policy', async () => {
    const rows = await query(fx.db.url, UNPROTECTED_TENANT_TABLES_SQL, [FIXTURE_SCHEMA, 'tenant_id']);
    expect(rows).toEqual([]);
    // The check itself must be able to fail: a table without a policy is reported.
    await query(fx.db.url, `CREATE TABLE fixture.leaky (id int, tenant_id text)`);
    const leaky = await query(fx.db.url, UNPROTECTED_TENANT_TABLES_SQL, [FIXTURE_SCHEMA, 'tenant_id']);
    expect(leaky).toEqual([{ table: 'leaky' }]);
    await query(fx.db.url, `DROP TABLE fixture.leaky`);
  });

  it('shows a tenant only its own rows, even when the query forgets the tenant filter', async () => {
    await TenantContext.run({ tenantId: tenantA }, () =>
      db.tenant((tx) =>
        tx.note.create({ data: { id: `${tenantA}-1`, tenantId: tenantA, body: 'secret of A' } }),
      ),
    );
    const seenByB = await TenantContext.run({ tenantId: tenantB }, () =>
      db.tenant((tx) => tx.note.findMany()),
    );
    expect(seenByB).toEqual([]);
    const seenByA = await TenantContext.run({ tenantId: tenantA }, () =>
      db.tenant((tx) => tx.note.findMany()),
    );
    expect(seenByA.map((n) => n.body)).toEqual(['secret of A']);

    const updatedByB = await TenantContext.run({ tenantId: tenantB }, () =>
      db.tenant((tx) => tx.note.updateMany({ where: { id: `${tenantA}-1` }, data: { body: 'defaced' } })),
    );
    expect(updatedByB.count).toBe(0);
    const deletedByB = await TenantContext.run({ tenantId: tenantB }, () =>
      db.tenant((tx) => tx.note.deleteMany({})),
    );
    expect(deletedByB.count).toBe(0);
  });

  it('refuses to write a row into another tenant and rolls the transaction back', async () => {
    await expect(
      TenantContext.run({ tenantId: tenantB }, () =>
        db.tenant(async (tx) => {
          await tx.note.create({ data: { id: `${tenantB}-ok`, tenantId: tenantB, body: 'fine' } });
          await tx.note.create({ data: { id: `${tenantB}-bad`, tenantId: tenantA, body: 'planted' } });
        }),
      ),
    ).rejects.toThrow(/row-level security/);
    const all = await db.operator((tx) => tx.note.findMany({ orderBy: { id: 'asc' } }));
    expect(all.map((n) => n.id)).toEqual([`${tenantA}-1`]);
  });

  it('reads nothing outside a tenant: no context is an error, a raw session sees no rows', async () => {
    await expect(db.tenant((tx) => tx.note.findMany())).rejects.toBeInstanceOf(MissingTenantContextError);
    const raw = await fx.pool.query('SELECT * FROM note');
    expect(raw.rows).toEqual([]);
    const who = await fx.pool.query<{ current_user: string }>('SELECT current_user');
    expect(who.rows[0]!.current_user).toBe('cc_app');
  });
});
