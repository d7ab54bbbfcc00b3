// Installs the workspace's dependencies when node_modules is missing or older than the lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureDependencies(root, { quiet = false } = {}) {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) {
    throw new Error(`Node ${process.versions.node} is too old: this project needs Node 20 or newer`);
  }
  const marker = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh =
    existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return false;
  if (!quiet) console.log('[bootstrap] installing dependencies (npm install)...');
  // `npm ci` fails here: the registry lacks other platforms' optional builds pinned in the lockfile
  // (see docs/adr/0001). `npm install` with the committed lockfile installs the same tree.
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (result.status !== 0) throw new Error('npm install failed (see the output above)');
  return true;
}
