import { applyMigrations, loadConfig } from '@cc/platform';
import { createTestDatabase, hashDirectories, randomSuffix, type TestDatabase } from '@cc/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Client } from 'pg';
import type { AppModuleOptions } from '../src/app.module';
import { startCampaign } from '../src/bootstrap';
import { CAMPAIGN_SCHEMA, type CampaignConfig, CampaignConfigSchema } from '../src/config/campaign.config';

export const MIGRATIONS = join(__dirname, '../prisma/migrations');

/** A migrated campaign database for one suite (copied from a template built once per migration set). */
export function campaignTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    label: 'campaign',
    templateKey: hashDirectories(MIGRATIONS),
    migrate: async (url) => {
      await applyMigrations({ url, schema: CAMPAIGN_SCHEMA, migrationsDir: MIGRATIONS });
    },
  });
}

export function uniqueTenants(count: number, label = 'tcmp'): string[] {
  return Array.from({ length: count }, (_, i) => `${label}${i}_${randomSuffix()}`);
}

export interface CampaignTestApp {
  app: NestExpressApplication;
  config: CampaignConfig;
  db: TestDatabase;
  /** Runs SQL as the database owner (bypasses RLS): for assertions only. */
  ownerQuery<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The campaign service on an ephemeral HTTP port over its own database (NATS only when asked). */
export async function startCampaignTestApp(
  options: {
    messaging?: { streamPrefix: string; tenants: string[] };
    /** gRPC addresses of acd, crm and telephony: the dialer runs (ticked by the test). */
    peers?: { acd: string; crm: string; telephony: string };
  } & Omit<AppModuleOptions, 'tenants' | 'withoutMessaging'> = {},
): Promise<CampaignTestApp> {
  const db = await campaignTestDatabase();
  const config = loadConfig(CampaignConfigSchema, {
    SERVICE_NAME: 'campaign',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    GRPC_PORT: '0',
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_STREAM_PREFIX: options.messaging?.streamPrefix ?? '',
    CAMPAIGN_DIALER: options.peers ? 'true' : 'false',
    ACD_GRPC_URL: options.peers?.acd ?? '127.0.0.1:1',
    CRM_GRPC_URL: options.peers?.crm ?? '127.0.0.1:1',
    TELEPHONY_GRPC_URL: options.peers?.telephony ?? '127.0.0.1:1',
  });
  const { messaging, peers: _peers, ...appOptions } = options;
  const app = await startCampaign(config, {
    dialerIntervalMs: 0,
    ...appOptions,
    ...(messaging ? { tenants: messaging.tenants } : { withoutMessaging: true }),
  });
  const ownerQuery = async <T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${CAMPAIGN_SCHEMA}, public`);
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

/** The `field` of each violation of a problem+json body. */
export function problemFields(body: unknown): string[] {
  return (body as { errors: { field: string }[] }).errors.map((e) => e.field);
}
