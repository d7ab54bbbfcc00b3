import {
  createTestDatabase,
  freePort,
  hashDirectories,
  type TestDatabase,
  uniqueTenantId,
} from '@cc/testing';
import { CallEnded, CallQueued, type EventEnvelope, type PayloadOf, RecordingReady } from '@cc/contracts';
import { applyMigrations, loadConfig, TenantContext } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { AppModuleOptions } from '../src/app.module';
import { startQa } from '../src/bootstrap';
import { QA_SCHEMA, type QaConfig, QaConfigSchema } from '../src/config/qa.config';
import { QaDatabase } from '../src/infrastructure/qa-database';
import { CallFactsService } from '../src/modules/calls/call-facts.service';

export const MIGRATIONS = join(__dirname, '../prisma/migrations');

/** A migrated qa database for one suite (copied from a template built once per migration set). */
export function qaTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    label: 'qa',
    templateKey: hashDirectories(MIGRATIONS),
    migrate: async (url) => {
      await applyMigrations({ url, schema: QA_SCHEMA, migrationsDir: MIGRATIONS });
    },
  });
}

export function uniqueTenants(count: number, label = 'tqa'): string[] {
  return Array.from({ length: count }, () => uniqueTenantId(label));
}

export interface QaTestApp {
  app: NestExpressApplication;
  config: QaConfig;
  db: TestDatabase;
  grpcAddress: string;
  /** Runs SQL as the database owner (bypasses RLS): for assertions only. */
  ownerQuery<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A supertest agent for one tenant. */
  http(tenantId: string): TenantHttp;
  /**
   * Applies call facts through the consumer's handler code (inbox, checks, sampling) without NATS,
   * for suites about the API.
   */
  ingest(...facts: EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}

export interface TenantHttp {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
}

/** The whole qa service on real ports (HTTP on an ephemeral port, gRPC on a free one) over its own database. */
export async function startQaTestApp(
  options: {
    messaging?: { streamPrefix: string; tenants: string[] };
    /** Reuse a database (a restarted instance); it is then left for the caller to drop. */
    db?: TestDatabase;
  } & Omit<AppModuleOptions, 'tenants'> = {},
): Promise<QaTestApp> {
  const ownDatabase = options.db === undefined;
  const db = options.db ?? (await qaTestDatabase());
  const grpcPort = await freePort();
  const config = loadConfig(QaConfigSchema, {
    SERVICE_NAME: 'qa',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_STREAM_PREFIX: options.messaging?.streamPrefix ?? '',
    QA_CONSUME_CALL_FACTS: options.messaging ? 'true' : 'false',
  });
  const { messaging, db: _db, ...appOptions } = options;
  const app = await startQa(config, { ...appOptions, ...(messaging ? { tenants: messaging.tenants } : {}) });
  const ownerQuery = async <T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${QA_SCHEMA}, public`);
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const server = () => app.getHttpServer() as App;
  return {
    app,
    config,
    db,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    ownerQuery,
    http: (tenantId) => ({
      get: (path) => request(server()).get(path).set('x-tenant-id', tenantId),
      post: (path, body) => request(server()).post(path).set('x-tenant-id', tenantId).send(body),
      put: (path, body) => request(server()).put(path).set('x-tenant-id', tenantId).send(body),
    }),
    ingest: async (...facts) => {
      const facts_ = app.get(CallFactsService);
      const database = app.get(QaDatabase);
      for (const fact of facts) {
        await TenantContext.run({ tenantId: fact.tenantId }, () =>
          database.tenant(async (tx, tenantId) => {
            const p = fact.payload;
            if (fact.type === CallEnded.type)
              await facts_.callEnded(tx, tenantId, p as PayloadOf<typeof CallEnded>);
            else if (fact.type === CallQueued.type)
              await facts_.callQueued(tx, tenantId, p as PayloadOf<typeof CallQueued>);
            else if (fact.type === RecordingReady.type)
              await facts_.recordingReady(tx, tenantId, p as PayloadOf<typeof RecordingReady>);
            else throw new Error(`no handler for ${fact.type}`);
          }),
        );
      }
    },
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
