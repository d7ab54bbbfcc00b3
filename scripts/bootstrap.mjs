#!/usr/bin/env node
// Step zero of `npm test`, `npm run demo` and `npm run bench`: dependencies, then services.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
try {
  ensureDependencies(root, { quiet });
  if (!process.argv.includes('--deps-only')) await ensureServices(root, { quiet });
} catch (error) {
  console.error(`[bootstrap] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
