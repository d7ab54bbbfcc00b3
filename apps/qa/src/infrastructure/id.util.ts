import { randomFillSync } from 'node:crypto';

/** Random bytes drawn in blocks: one syscall-backed fill per 512 ids instead of one per id (bulk imports). */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function random8Hex(): string {
  if (poolOffset + 8 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const hex = POOL.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return hex;
}

/**
 * A new entity id: `<prefix>_` + 10 chars of base-36 milliseconds + 16 hex random chars. Ids sort by
 * creation time, which keeps cursor pagination stable and b-tree inserts append-mostly.
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(10, '0')}${random8Hex()}`;
}
