import { createTestDatabase, freePort, hashDirectories, randomSuffix, type TestDatabase } from '@cc/testing';
import { applyMigrations, loadConfig } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Client } from 'pg';
import { startCrm } from '../src/bootstrap';
import { CRM_SCHEMA, type CrmConfig, CrmConfigSchema } from '../src/config/crm.config';
import type { AppModuleOptions } from '../src/app.module';
import { CrmDatabase } from '../src/infrastructure/crm-database';

export const MIGRATIONS = join(__dirname, '../prisma/migrations');

/** A migrated crm database for one suite (copied from a template built once per migration set). */
export function crmTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    label: 'crm',
    templateKey: hashDirectories(MIGRATIONS),
    migrate: async (url) => {
      await applyMigrations({ url, schema: CRM_SCHEMA, migrationsDir: MIGRATIONS });
    },
  });
}

export function uniqueTenants(count: number, label = 'tcrm'): string[] {
  return Array.from({ length: count }, (_, i) => `${label}${i}_${randomSuffix()}`);
}

export interface CrmTestApp {
  app: NestExpressApplication;
  config: CrmConfig;
  db: TestDatabase;
  grpcAddress: string;
  /** Runs SQL as the database owner (bypasses RLS): for assertions only. */
  ownerQuery<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  database: CrmDatabase;
  close(): Promise<void>;
}

/** The whole crm service on real ports (HTTP on an ephemeral port, gRPC on a free one) over its own database. */
export async function startCrmTestApp(
  options: {
    messaging?: { streamPrefix: string; tenants: string[] };
    /** Reuse a database (a restarted instance); it is then left for the caller to drop. */
    db?: TestDatabase;
  } & Omit<AppModuleOptions, 'tenants'> = {},
): Promise<CrmTestApp> {
  const ownDatabase = options.db === undefined;
  const db = options.db ?? (await crmTestDatabase());
  const grpcPort = await freePort();
  const config = loadConfig(CrmConfigSchema, {
    SERVICE_NAME: 'crm',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_STREAM_PREFIX: options.messaging?.streamPrefix ?? '',
    CRM_CONSUME_CALL_FACTS: options.messaging ? 'true' : 'false',
  });
  const { messaging, db: _db, ...appOptions } = options;
  const app = await startCrm(config, { ...appOptions, ...(messaging ? { tenants: messaging.tenants } : {}) });
  const ownerQuery = async <T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${CRM_SCHEMA}, public`);
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    app,
    config,
    db,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    ownerQuery,
    database: app.get(CrmDatabase),
    close: async () => {
      await app.close();
      if (ownDatabase) await db.drop();
    },
  };
}

/** The `field` of each violation of a problem+json body. */
export function problemFields(body: unknown): string[] {
  return (body as { errors: { field: string }[] }).errors.map((e) => e.field);
}

/** The display names of a customer page. */
export function displayNames(body: unknown): string[] {
  return (body as { items: { displayName: string }[] }).items.map((c) => c.displayName);
}

/** The items of a list body. */
export function itemsOf<T>(body: unknown): T[] {
  return (body as { items: T[] }).items;
}
