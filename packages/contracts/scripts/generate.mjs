// Generates TypeScript from proto/ into src/generated (git-ignored), offline: `buf lint` (STANDARD,
// see /buf.yaml) then `buf generate` with ts-proto as a local plugin (see /buf.gen.yaml). Run by
// `npm run generate` in this package, which turbo's `generate` task runs before build/typecheck/test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../..');

function fail(message) {
  console.error(`[contracts:generate] ${message}`);
  process.exit(1);
}

for (const required of ['buf.yaml', 'buf.gen.yaml', 'proto/callcenter']) {
  if (!existsSync(join(repoRoot, required))) fail(`missing ${join(repoRoot, required)}`);
}
// buf.gen.yaml names the plugin by this path, relative to the repo root where buf runs.
const plugin = join(repoRoot, 'node_modules/.bin/protoc-gen-ts_proto');
if (!existsSync(plugin))
  fail(`missing ${plugin}: install dependencies first (ts-proto is a root devDependency)`);
const buf = join(repoRoot, 'node_modules/.bin/buf');
if (!existsSync(buf))
  fail(`missing ${buf}: install dependencies first (@bufbuild/buf is a root devDependency)`);

function run(args) {
  const result = spawnSync(buf, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) fail(`buf ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`buf ${args.join(' ')} exited with ${result.status}`);
}

run(['lint']);
run(['generate']);
console.log('[contracts:generate] proto/ -> packages/contracts/src/generated');
