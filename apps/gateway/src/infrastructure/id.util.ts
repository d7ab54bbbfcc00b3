import { randomBytes } from 'node:crypto';

let lastMs = -1;
let lastRandom = 0n;
const RANDOM_MAX = (1n << 64n) - 1n;

/**
 * Ids that sort by creation time (base-36 milliseconds, then random): cursor pagination orders by
 * id alone, so a page boundary is stable and needs no second column. Within one millisecond the
 * random part counts up from the previous id's (like a monotonic ULID), so ids made one after the
 * other in this process also sort in that order: webhook deliveries are sent in id order.
 */
export function newId(prefix: string, now: Date = new Date()): string {
  const ms = now.getTime();
  if (ms === lastMs && lastRandom < RANDOM_MAX) {
    lastRandom += 1n;
  } else {
    lastMs = ms;
    // The top bit stays clear so a millisecond has room to count up before it could overflow.
    lastRandom = randomBytes(8).readBigUInt64BE() >> 1n;
  }
  return `${prefix}_${ms.toString(36).padStart(9, '0')}${lastRandom.toString(16).padStart(16, '0')}`;
}
