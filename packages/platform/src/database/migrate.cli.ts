#!/usr/bin/env node
/**
 * `cc-migrate <schema> <migrationsDir>`: applies one service's migrations (see migrator.ts).
 * DATABASE_MIGRATION_URL (an owner login) wins over DATABASE_URL.
 */
import { applyMigrations, redactUrl } from './migrator';

async function main(): Promise<void> {
  const [schema, migrationsDir] = process.argv.slice(2);
  if (!schema || !migrationsDir) {
    console.error('usage: cc-migrate <schema> <migrationsDir>');
    process.exit(2);
  }
  const url =
    process.env.DATABASE_MIGRATION_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/callcenter';
  const result = await applyMigrations({ url, schema, migrationsDir, log: (l) => console.log(l) });
  console.log(
    `${schema}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied (${redactUrl(url)})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
