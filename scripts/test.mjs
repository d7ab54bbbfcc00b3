#!/usr/bin/env node
// `npm test`: installs what is missing, makes Postgres and NATS reachable, then runs every workspace's
// tests through turbo (generate -> build -> test) and prints one closing line with the totals.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';
import { turbo } from './lib/turbo.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = '.jest-results.json';
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(root, dir, name)) : [],
);

try {
  ensureDependencies(root);
  const env = await ensureServices(root);
  for (const ws of workspaces) rmSync(join(ws, RESULTS), { force: true });
  const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const args = [
    'run',
    'test',
    '--continue',
    '--concurrency=2',
    ...filter.map((f) => `--filter=${f}`),
    '--',
    '--json',
    `--outputFile=${RESULTS}`,
  ];
  // NATS_URL only when the caller chose one: otherwise each test run gets a private nats-server from
  // the test kit, so streams that a demo left on the shared server cannot overlap the tests' streams.
  const testEnv = {
    DATABASE_URL: env.DATABASE_URL,
    ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}),
  };
  const status = turbo(root, args, { ...testEnv, CI: process.env.CI ?? '' });

  let passed = 0;
  let failed = 0;
  let suitesFailed = 0;
  for (const ws of workspaces) {
    const file = join(ws, RESULTS);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    suitesFailed += r.numFailedTestSuites;
  }
  if (status !== 0 && failed === 0) failed += Math.max(1, suitesFailed);
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  process.exit(status === 0 && failed === 0 ? 0 : 1);
} catch (error) {
  console.error(`[test] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
