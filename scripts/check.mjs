#!/usr/bin/env node
// `npm run check` (after prettier): lint and typecheck of every workspace, then the infra checks.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { turbo } from './lib/turbo.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let status = turbo(root, ['run', 'lint', 'typecheck', '--continue', '--output-logs=errors-only']);
const infra = join(root, 'scripts/check-infra.mjs');
if (existsSync(infra)) {
  const r = spawnSync(process.execPath, [infra], { stdio: 'inherit', cwd: root });
  status ||= r.status ?? 1;
}
console.log(status === 0 ? 'check: clean' : 'check: FAILED');
process.exit(status);
