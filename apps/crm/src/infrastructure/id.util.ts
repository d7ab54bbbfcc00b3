import { randomBytes } from 'node:crypto';

/**
 * A new entity id: `<prefix>_` + 10 chars of base-36 milliseconds + 16 hex random chars. Ids sort by
 * creation time, which keeps cursor pagination stable and b-tree inserts append-mostly.
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;
}
