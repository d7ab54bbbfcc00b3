import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { quoteIdent } from './pg-pool';

/**
 * Applies a service's Prisma migrations folder without Prisma's native schema engine, which cannot
 * be downloaded on our offline machines (see docs/adr/0003). It keeps Prisma's contract exactly: the
 * same folder layout, the same `_prisma_migrations` table and checksums, the same advisory lock, so
 * `prisma migrate deploy` and `migrate status` agree with it wherever the engine is available.
 */
export interface MigrateOptions {
  /** Owner connection (not the app role): migrations create tables and policies. */
  url: string;
  schema: string;
  /** `prisma/migrations` of the service. */
  migrationsDir: string;
  log?: (line: string) => void;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Prisma takes this advisory lock around migrate deploy; taking the same one keeps the two exclusive. */
const PRISMA_ADVISORY_LOCK = 72707369;

interface MigrationFolder {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(migrationsDir: string): MigrationFolder[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new MigrationError(`migration ${name} has no migration.sql`);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const MIGRATIONS_TABLE_DDL = (schema: string) => `
CREATE TABLE IF NOT EXISTS ${schema}."_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function applyMigrations(options: MigrateOptions): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const schema = quoteIdent(options.schema);
  const migrations = readMigrations(options.migrationsDir);
  await ensureDatabase(options.url);
  const client = new Client({ connectionString: options.url, application_name: `migrate-${options.schema}` });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(MIGRATIONS_TABLE_DDL(schema));
    const rows = (
      await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${schema}."_prisma_migrations"`,
      )
    ).rows.filter((r) => r.rolled_back_at === null);

    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `migration ${failed.migration_name} in schema ${options.schema} failed earlier; fix it and mark it rolled back before applying more`,
      );
    }
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    for (const [name] of applied) {
      if (!migrations.some((m) => m.name === name)) {
        throw new MigrationError(
          `migration ${name} is applied in schema ${options.schema} but missing from ${options.migrationsDir}`,
        );
      }
    }

    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.name} was edited after it was applied (checksum differs); add a new migration instead`,
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await applyOne(client, schema, migration);
      log(`applied ${options.schema}/${migration.name}`);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

async function applyOne(client: Client, schema: string, migration: MigrationFolder): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL search_path TO ${schema}, public`);
    await client.query(
      `INSERT INTO ${schema}."_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE ${schema}."_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${reason}`);
  }
}

/** Creates the target database when it does not exist (a fresh machine has only `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!database) throw new MigrationError(`DATABASE_URL ${redactUrl(url)} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: unknown) => {
        // Another process may have created it between our check and our CREATE.
        if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
