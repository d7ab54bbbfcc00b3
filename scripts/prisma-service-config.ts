// The Prisma CLI configuration every service shares, for `prisma migrate deploy` / `migrate status`
// where Prisma's native schema engine is available (an image built with internet, a laptop). Offline
// we apply the same migrations with our own applier (`npm run migrate`, docs/adr/0003); `prisma
// generate` needs no database. Each app's prisma.config.ts is one line naming its schema.
import { defineConfig } from 'prisma/config';

export function servicePrismaConfig(schema: string): ReturnType<typeof defineConfig> {
  const url = new URL(
    process.env.DATABASE_MIGRATION_URL ??
      process.env.DATABASE_URL ??
      'postgresql://postgres@127.0.0.1:5432/callcenter',
  );
  url.searchParams.set('schema', schema);
  return defineConfig({
    schema: 'prisma/schema.prisma',
    migrations: { path: 'prisma/migrations' },
    datasource: { url: url.toString() },
  });
}
