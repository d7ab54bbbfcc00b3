#!/usr/bin/env node
// `npm run demo [-- --duration <s>] [--json]`: installs what is missing, ensures Postgres and NATS,
// builds, migrates and starts the ARI simulator and every service that exists so far, waits until
// each is ready and says where it is. The simulated world (tenants, callers, agents, wallboard)
// arrives with the demo issue; until then this says what is not there yet.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
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
const durationArg = args.indexOf('--duration');
const durationS = durationArg >= 0 ? Number(args[durationArg + 1]) : undefined;
if (durationS !== undefined && !(durationS > 0)) {
  console.error('--duration must be a positive number of seconds');
  process.exit(2);
}
const say = (m) => (json ? process.stderr.write(`${m}\n`) : console.log(m));

// Started in this order: a service's gRPC dependencies come before it (SERVICE-CONVENTIONS ports).
const SERVICES = [
  { name: 'crm', port: 8083, grpc: 50053 },
  { name: 'acd', port: 8082, grpc: 50052 },
  { name: 'telephony', port: 8081, grpc: 50051 },
  { name: 'campaign', port: 8084, grpc: 50054 },
  { name: 'qa', port: 8085, grpc: 50055 },
  { name: 'gateway', port: 8080 },
];
const ARI = { port: 8088, user: 'asterisk', password: 'asterisk', app: 'callcenter' };
const children = [];
// A fresh operator token per run (the gateway wants at least 24 characters); printed for people to use.
const operatorToken = `demo-${randomBytes(18).toString('base64url')}`;
let stopping = false;

function stopAll(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function start(name, file, env) {
  const child = spawn(process.execPath, [file], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) say(`[demo] ${name} exited (${signal ?? code}); stopping everything`);
    if (!stopping) stopAll(1);
  });
  children.push(child);
}

async function waitReady(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${ARI.user}:${ARI.password}`).toString('base64')}` },
      });
      if (res.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

try {
  ensureDependencies(root, { quiet: json });
  const env = await ensureServices(root, { quiet: json });
  say('[demo] building...');
  const quietIo = json ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  if (turbo(root, ['run', 'build', '--output-logs=errors-only'], env, quietIo) !== 0)
    throw new Error('build failed');
  const databaseUrl = runtimeDatabaseUrl(env.DATABASE_URL);
  migrateAll(root, databaseUrl);

  const started = [];
  const sim = join(root, 'packages/ari-sim/dist/cli.js');
  if (existsSync(sim)) {
    start('ari-sim', sim, {
      PORT: String(ARI.port),
      ARI_USERNAME: ARI.user,
      ARI_PASSWORD: ARI.password,
      ARI_APP: ARI.app,
    });
    if (!(await waitReady(`http://127.0.0.1:${ARI.port}/ari/asterisk/info`)))
      throw new Error('ari-sim did not start');
    started.push({ name: 'ari-sim', url: `http://127.0.0.1:${ARI.port}/ari` });
  }
  const common = {
    ...env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ARI_URL: `http://127.0.0.1:${ARI.port}/ari`,
    ARI_USERNAME: ARI.user,
    ARI_PASSWORD: ARI.password,
    ARI_APP: ARI.app,
    ...Object.fromEntries(
      SERVICES.filter((s) => s.grpc).map((s) => [`${s.name.toUpperCase()}_GRPC_URL`, `127.0.0.1:${s.grpc}`]),
    ),
    OPERATOR_TOKENS: process.env.CC_OPERATOR_TOKENS ?? `demo=${operatorToken}`,
    JWT_SECRET: process.env.CC_JWT_SECRET ?? 'demo-jwt-secret-0123456789abcdef0123456789',
  };
  for (const svc of SERVICES) {
    const main = join(root, 'apps', svc.name, 'dist/main.js');
    if (!existsSync(main)) continue;
    start(svc.name, main, {
      ...common,
      SERVICE_NAME: svc.name,
      PORT: String(svc.port),
      GRPC_PORT: String(svc.grpc ?? 0),
    });
    const ready = await waitReady(`http://127.0.0.1:${svc.port}/health/ready`);
    if (!ready) throw new Error(`${svc.name} did not become ready on port ${svc.port}`);
    started.push({ name: svc.name, url: `http://127.0.0.1:${svc.port}` });
  }
  const missing = SERVICES.map((s) => s.name).filter((name) => !started.some((s) => s.name === name));
  for (const s of started) say(`[demo] ready: ${s.name} at ${s.url}`);
  if (missing.length > 0)
    say(
      `[demo] not there yet: ${missing.join(', ')}; and the simulated world of callers and agents (the demo issue)`,
    );
  const gateway = started.find((s) => s.name === 'gateway');
  if (gateway && !process.env.CC_OPERATOR_TOKENS)
    say(
      `[demo] operator token: ${operatorToken} (Authorization: Bearer <token> on ${gateway.url}/admin/v1; API docs at ${gateway.url}/docs)`,
    );
  if (json)
    console.log(
      JSON.stringify({ ...(gateway ? { gatewayUrl: gateway.url, operatorToken } : {}), started, missing }),
    );
  if (durationS !== undefined) setTimeout(() => stopAll(0), durationS * 1000);
  else say('[demo] running; press Ctrl-C to stop');
} catch (error) {
  console.error(`[demo] ${error instanceof Error ? error.message : error}`);
  stopAll(1);
}
