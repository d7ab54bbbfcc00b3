import { randomBytes } from 'node:crypto';

/**
 * Ids that sort by creation time (base-36 milliseconds, then random): cursor pagination orders by
 * id alone, so a page boundary is stable and needs no second column.
 */
export function newId(prefix: string, now: Date = new Date()): string {
  return `${prefix}_${now.getTime().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
