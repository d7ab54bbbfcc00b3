#!/usr/bin/env node
// `npm run services` makes Postgres and NATS reachable and prints their URLs; `-- stop` stops what it started.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices, stopServices } from './lib/services.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  if (process.argv.includes('stop')) await stopServices(root);
  else {
    const env = await ensureServices(root);
    for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`);
  }
} catch (error) {
  console.error(`[services] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
