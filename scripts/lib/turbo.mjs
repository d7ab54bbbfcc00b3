import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs turbo from the workspace with telemetry off and the given extra environment. */
export function turbo(root, args, env = {}, stdio = 'inherit') {
  const result = spawnSync(join(root, 'node_modules/.bin/turbo'), args, {
    cwd: root,
    stdio,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...env },
  });
  return result.status ?? 1;
}
