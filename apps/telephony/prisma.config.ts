// Prisma CLI configuration, for `prisma migrate deploy` / `migrate status` where Prisma's native schema
// engine is available (an image built with internet, a laptop). Offline we apply the same migrations
// with our own applier (`npm run migrate`, docs/adr/0003); `prisma generate` needs no database.
import { defineConfig } from 'prisma/config';

const SCHEMA = 'telephony';

function urlWithSchema(): string {
  const url = new URL(
    process.env.DATABASE_MIGRATION_URL ??
      process.env.DATABASE_URL ??
      'postgresql://postgres@127.0.0.1:5432/callcenter',
  );
  url.searchParams.set('schema', SCHEMA);
  return url.toString();
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: urlWithSchema() },
});
