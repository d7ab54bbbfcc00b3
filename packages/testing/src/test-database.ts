import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { randomSuffix } from './ids';

export interface TestDatabase {
  /** Connection URL (same login as DATABASE_URL) of a fresh database for this suite. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Groups templates, e.g. the service name. */
  label: string;
  /** Changes whenever the schema changes (hash of the migration files): a new template is built. */
  templateKey: string;
  /** Applies migrations to a new template database, once per key across parallel suites. */
  migrate: (url: string) => Promise<void>;
  baseUrl?: string;
}

const NAME = /^[a-z0-9_]+$/;

/**
 * A database per test suite, copied from a migrated template: suites run in parallel against one
 * Postgres without seeing each other, and migrating happens once, not once per suite.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  const baseUrl =
    options.baseUrl ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const label = options.label.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const template = `cc_tpl_${label}_${options.templateKey.slice(0, 12).toLowerCase()}`;
  const name = `cc_test_${label}_${randomSuffix(5)}`;
  if (!NAME.test(template) || !NAME.test(name)) throw new Error(`bad database name ${template} / ${name}`);

  const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  try {
    // One builder per template across every Jest worker; the others wait here, then copy it.
    const lockKey = BigInt.asIntN(
      64,
      BigInt(`0x${createHash('sha256').update(template).digest('hex').slice(0, 16)}`),
    );
    await admin.query('SELECT pg_advisory_lock($1)', [lockKey.toString()]);
    try {
      if (!(await databaseExists(admin, template))) {
        const building = `${template}_b${randomSuffix(3)}`;
        await admin.query(`CREATE DATABASE ${building}`);
        try {
          await options.migrate(withDatabase(baseUrl, building));
          await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
        } catch (error) {
          await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
          throw error;
        }
        await dropStaleTemplates(admin, label, template);
      }
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [lockKey.toString()]);
    }
  } finally {
    await admin.end();
  }

  return {
    url: withDatabase(baseUrl, name),
    name,
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Hash of every file under the given folders: a template key that changes with the migrations. */
export function hashDirectories(...dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path.slice(dir.length)).update(readFileSync(path));
    }
  };
  dirs.forEach(walk);
  return hash.digest('hex');
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function databaseExists(client: Client, name: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (result.rowCount ?? 0) > 0;
}

async function dropStaleTemplates(client: Client, label: string, keep: string): Promise<void> {
  const stale = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2`,
    [`cc_tpl_${label}_%`, keep],
  );
  for (const row of stale.rows) {
    if (NAME.test(row.datname))
      await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`).catch(() => undefined);
  }
}
