// Copies proto/ into dist/proto at build: Nest's gRPC transport (proto-loader) reads .proto files at
// run time, so they ship inside @cc/contracts and are found through PROTO_ROOT / protoPath().
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(packageDir, '../../proto');
const target = join(packageDir, 'dist/proto');

if (!existsSync(join(source, 'callcenter'))) {
  console.error(`[contracts:copy-proto] missing ${source}/callcenter`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !path.includes('node_modules') });
