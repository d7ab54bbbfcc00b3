#!/usr/bin/env node
// `npm run migrate [-- <app>...]`: applies every app's Prisma migrations to its own schema, offline
// (the applier in @cc/platform; docs/adr/0003). DATABASE_URL names the server and database.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';
import { turbo } from './lib/turbo.mjs';
import { listWorkspaces, runtimeDatabaseUrl } from './lib/workspaces.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function migrateAll(root, databaseUrl, only = []) {
  const cli = join(root, 'packages/platform/dist/database/migrate.cli.js');
  const apps = listWorkspaces(root).filter(
    (ws) => ws.path.includes('/apps/') && existsSync(join(ws.path, 'prisma/migrations')),
  );
  for (const app of apps) {
    const name = basename(app.path);
    if (only.length > 0 && !only.includes(name)) continue;
    const r = spawnSync(process.execPath, [cli, name, join(app.path, 'prisma/migrations')], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    if (r.status !== 0) throw new Error(`migrations of ${name} failed`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureDependencies(root, { quiet: true });
    const env = await ensureServices(root, { quiet: true });
    if (turbo(root, ['run', 'build', '--filter=@cc/platform', '--output-logs=errors-only']) !== 0)
      throw new Error('build failed');
    migrateAll(root, runtimeDatabaseUrl(env.DATABASE_URL), process.argv.slice(2));
  } catch (error) {
    console.error(`[migrate] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
