#!/usr/bin/env node
// `npm run bench -- <name> [args]`: finds bench/<name>.bench.ts in a workspace, builds what it
// depends on, and runs it. Every benchmark prints its results as one JSON line, last.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';
import { ensureServices } from './lib/services.mjs';
import { turbo } from './lib/turbo.mjs';
import { listWorkspaces } from './lib/workspaces.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const benches = listWorkspaces(root).flatMap((ws) => {
  const dir = join(ws.path, 'bench');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.bench.ts'))
        .map((f) => ({ ws, name: f.replace(/\.bench\.ts$/, ''), file: join(dir, f) }))
    : [];
});
const bench = benches.find((b) => b.name === name);
if (!bench) {
  console.error(
    `usage: npm run bench -- <name> [args]\nbenchmarks:\n${benches.map((b) => `  ${b.name}  (${b.ws.pkg.name})`).join('\n')}`,
  );
  process.exit(name ? 1 : 2);
}
try {
  ensureDependencies(root, { quiet: true });
  const env = await ensureServices(root, { quiet: true });
  if (
    turbo(root, ['run', 'build', `--filter=${bench.ws.pkg.name}^...`, '--output-logs=errors-only'], env) !== 0
  ) {
    throw new Error('build failed');
  }
  if (
    turbo(root, ['run', 'generate', `--filter=${bench.ws.pkg.name}`, '--output-logs=errors-only'], env) !== 0
  ) {
    throw new Error('generate failed');
  }
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [bench.file, ...rest], {
    cwd: bench.ws.path,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  process.exit(r.status ?? 1);
} catch (error) {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
