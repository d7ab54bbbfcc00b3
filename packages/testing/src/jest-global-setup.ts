import { resolveInfrastructure, type Infrastructure } from './infrastructure';

declare global {
  var __CC_INFRA__: Infrastructure | undefined;
}

/**
 * Jest globalSetup for suites that need Postgres and NATS: resolves them once (env, containers or the
 * local services) and exports their URLs to every worker through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const infra = await resolveInfrastructure();
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.NATS_URL = infra.natsUrl;
  globalThis.__CC_INFRA__ = infra;
}
