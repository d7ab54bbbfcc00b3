import { createTestDatabase, hashDirectories, randomSuffix, type TestDatabase } from '@cc/testing';
import { applyMigrations, loadConfig } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Client } from 'pg';
import type { AppModuleOptions } from '../src/app.module';
import { startGateway } from '../src/bootstrap';
import { GATEWAY_SCHEMA, type GatewayConfig, GatewayConfigSchema } from '../src/config/gateway.config';

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
