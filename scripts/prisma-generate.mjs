#!/usr/bin/env node
// Runs `prisma generate` for one schema, offline-safe: Prisma 7's CLI wants a schema-engine binary it
// would download; generation does not use it, so we point it at a stub (docs/adr/0003).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schema = process.argv[2] ?? 'prisma/schema.prisma';
if (!existsSync(schema)) {
  console.error(`prisma-generate: no schema at ${resolve(schema)}`);
  process.exit(2);
}
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? join(root, 'scripts/prisma-schema-engine-stub'),
};
const prismaBin = join(root, 'node_modules/.bin/prisma');
const result = spawnSync(prismaBin, ['generate', '--schema', schema], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.exit(result.status ?? 1);
}
