#!/usr/bin/env node
// `npm run demo [-- --duration <s>] [--json] [--time-scale <k>] [--seed <n>]`: installs what is missing,
// ensures Postgres and NATS, builds, migrates, then hands over to the simulated world
// (packages/world/src/demo.cli.ts): the ARI simulator and every service, three tenants with a shared
// agent pool, Poisson callers, a live wallboard and the final KPIs.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';
import { turbo } from './lib/turbo.mjs';
import { runtimeDatabaseUrl } from './lib/workspaces.mjs';
import { migrateAll } from './migrate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const say = (m) => (json ? process.stderr.write(`${m}\n`) : console.log(m));

try {
  ensureDependencies(root, { quiet: json });
  const env = await ensureServices(root, { quiet: json });
  say('[demo] building...');
  const quietIo = json ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  if (turbo(root, ['run', 'build', '--output-logs=errors-only'], env, quietIo) !== 0)
    throw new Error('build failed');
  const databaseUrl = runtimeDatabaseUrl(env.DATABASE_URL);
  migrateAll(root, databaseUrl);
  const world = spawn(process.execPath, [join(root, 'packages/world/dist/demo.cli.js'), ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl },
  });
  // Ctrl-C reaches the world through the terminal's process group; it stops the services and prints
  // the final KPIs. A SIGTERM sent to this script alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => world.kill('SIGTERM'));
  world.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  console.error(`[demo] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
