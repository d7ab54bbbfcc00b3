import { createTestDatabase, hashDirectories, randomSuffix, type TestDatabase } from '@cc/testing';
import { applyMigrations, loadConfig } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type { AppModuleOptions } from '../src/app.module';
import { startGateway } from '../src/bootstrap';
import { GATEWAY_SCHEMA, type GatewayConfig, GatewayConfigSchema } from '../src/config/gateway.config';
import { Clock } from '../src/infrastructure/clock';
import { TENANT_PERMISSIONS } from '../src/modules/auth/permission.constant';

export const MIGRATIONS = join(__dirname, '../prisma/migrations');
export const OPERATOR_TOKEN = `cco_${randomSuffix(16)}`;

export function gatewayTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    label: 'gateway',
    templateKey: hashDirectories(MIGRATIONS),
    migrate: async (url) => {
      await applyMigrations({ url, schema: GATEWAY_SCHEMA, migrationsDir: MIGRATIONS });
    },
  });
}

export interface GatewayTestApp {
  app: NestExpressApplication;
  config: GatewayConfig;
  db: TestDatabase;
  ownerQuery<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startGatewayTestApp(
  env: Record<string, string> = {},
  options: AppModuleOptions = {},
): Promise<GatewayTestApp> {
  const db = await gatewayTestDatabase();
  const config = loadConfig(GatewayConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    OPERATOR_TOKENS: `tests=${OPERATOR_TOKEN}`,
    JWT_SECRET: randomSuffix(32),
    WEBHOOKS_ENABLED: 'false',
    RATE_LIMIT_PER_SECOND: '1000',
    RATE_LIMIT_BURST: '1000',
    AUTH_FAILURES_PER_SECOND: '1000',
    AUTH_FAILURES_BURST: '10000',
    ...env,
  });
  const app = await startGateway(config, options);
  const ownerQuery = async <T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${GATEWAY_SCHEMA}, public`);
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    app,
    config,
    db,
    ownerQuery,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** A clock the test moves: expiry and rate limits without sleeping. */
export class TestClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export const asOperator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

export function bearer(credential: string): Record<string, string> {
  return { Authorization: `Bearer ${credential}` };
}

/** Creates a tenant and an API key with `scopes` (all permissions by default) through the admin API. */
export async function provisionTenant(
  app: NestExpressApplication,
  tenantId: string,
  scopes: readonly string[] = TENANT_PERMISSIONS,
): Promise<{ tenantId: string; key: string; keyId: string }> {
  const http = app.getHttpServer();
  await request(http)
    .post('/admin/v1/tenants')
    .set(asOperator)
    .send({ id: tenantId, name: tenantId })
    .expect(201);
  const created = await request(http)
    .post(`/admin/v1/tenants/${tenantId}/api-keys`)
    .set(asOperator)
    .send({ name: 'test key', scopes })
    .expect(201);
  const body = created.body as { key: string; id: string };
  return { tenantId, key: body.key, keyId: body.id };
}

/** Asserts the RFC 9457 shape of an error answer and returns its body. */
export function expectProblem(
  res: { status: number; headers: Record<string, string>; body: unknown },
  status: number,
): {
  status: number;
  detail?: string;
  code?: string;
  errors?: { field: string; rule: string; message: string }[];
} {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json') as unknown,
  });
  const body = res.body as { status: number };
  expect(body.status).toBe(status);
  return body;
}
