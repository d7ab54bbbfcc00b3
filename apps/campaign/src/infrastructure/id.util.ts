import { randomBytes } from 'node:crypto';

/** A new entity id: `<prefix>_` + base-36 milliseconds + 16 random hex chars (sorts by creation time). */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;
}
