import { applyMigrations } from '@cc/platform';
import { createTestDatabase, hashDirectories, type TestDatabase } from '@cc/testing';
import { packageFile, type ServiceName } from './stack';

/**
 * A fresh database with the schemas of the given services, copied from a template migrated once per
 * migration set: a stack of its own beside the demo's (the benchmark, the demo's test).
 */
export function createStackDatabase(label: string, services: readonly ServiceName[]): Promise<TestDatabase> {
  const migrations = (app: ServiceName): string => packageFile(`@cc/${app}`, 'prisma/migrations');
  return createTestDatabase({
    label,
    templateKey: hashDirectories(...services.map(migrations)),
    migrate: async (url) => {
      for (const app of services) await applyMigrations({ url, schema: app, migrationsDir: migrations(app) });
    },
  });
}
