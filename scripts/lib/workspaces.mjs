import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every workspace folder (packages/* and apps/*) with its package.json. */
export function listWorkspaces(root) {
  return ['packages', 'apps'].flatMap((dir) => {
    const base = join(root, dir);
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .map((name) => join(base, name))
      .filter((path) => existsSync(join(path, 'package.json')))
      .map((path) => ({ path, pkg: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) }));
  });
}

/** The runtime database (`callcenter`) on the server that DATABASE_URL points at. */
export function runtimeDatabaseUrl(url) {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '/postgres') u.pathname = '/callcenter';
  return u.toString();
}
