#!/usr/bin/env node
// `npm run demo [-- --duration <s>] [--json]`: installs, ensures services, builds, migrates and starts
// every service that exists so far, plus the ARI simulator. The simulated world (tenants, callers,
// agents, wallboard) arrives with the demo issue; until then this says what is not there yet.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';
import { turbo } from './lib/turbo.mjs';
import { listWorkspaces, runtimeDatabaseUrl } from './lib/workspaces.mjs';
import { migrateAll } from './migrate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const durationArg = args.indexOf('--duration');
const durationS = durationArg >= 0 ? Number(args[durationArg + 1]) : undefined;
if (durationS !== undefined && !(durationS > 0)) {
  console.error('--duration must be a positive number of seconds');
  process.exit(2);
}
const say = (m) => (json ? process.stderr.write(`${m}\n`) : console.log(m));

const PORTS = {
  gateway: [8080],
  telephony: [8081, 50051],
  acd: [8082, 50052],
  crm: [8083, 50053],
  campaign: [8084, 50054],
  qa: [8085, 50055],
};
const EXPECTED = Object.keys(PORTS);
const children = [];

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
  ensureDependencies(root, { quiet: json });
  const env = await ensureServices(root, { quiet: json });
  say('[demo] building...');
  if (
    turbo(
      root,
      ['run', 'build', '--output-logs=errors-only'],
      env,
      json ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    ) !== 0
  ) {
    throw new Error('build failed');
  }
  const databaseUrl = runtimeDatabaseUrl(env.DATABASE_URL);
  migrateAll(root, databaseUrl);

  const apps = listWorkspaces(root).filter(
    (ws) => ws.path.includes('/apps/') && existsSync(join(ws.path, 'dist/main.js')),
  );
  const started = [];
  for (const app of apps) {
    const name = basename(app.path);
    const [port, grpcPort] = PORTS[name] ?? [];
    const child = spawn(process.execPath, [join(app.path, 'dist/main.js')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: databaseUrl,
        SERVICE_NAME: name,
        PORT: String(port ?? 0),
        GRPC_PORT: String(grpcPort ?? 0),
        LOG_LEVEL: 'warn',
      },
    });
    children.push(child);
    started.push({ name, url: `http://127.0.0.1:${port}` });
  }
  const sim = join(root, 'packages/ari-sim/dist/cli.js');
  if (existsSync(sim)) {
    children.push(
      spawn(process.execPath, [sim, '--port', '8088'], { stdio: ['ignore', 'ignore', 'inherit'] }),
    );
    started.push({ name: 'ari-sim', url: 'http://127.0.0.1:8088/ari' });
  }
  const missing = EXPECTED.filter((name) => !started.some((s) => s.name === name));
  for (const s of started) say(`[demo] started ${s.name} at ${s.url}`);
  if (missing.length > 0)
    say(
      `[demo] not there yet: ${missing.join(', ')} (each arrives with its issue), and the simulated world of callers and agents`,
    );
  if (json) console.log(JSON.stringify({ started, missing }));
  if (durationS !== undefined) setTimeout(() => stopAll(0), durationS * 1000);
  else if (started.length === 0) {
    say('[demo] nothing to run yet; exiting');
    stopAll(0);
  } else say('[demo] running; press Ctrl-C to stop');
} catch (error) {
  console.error(`[demo] ${error instanceof Error ? error.message : error}`);
  stopAll(1);
}
