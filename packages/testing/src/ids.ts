import { randomBytes } from 'node:crypto';

/** A short random suffix: lowercase hex, safe in database, stream, subject and tenant names. */
export function randomSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/** A unique, valid tenant id per call, so suites sharing one NATS and one Postgres never collide. */
export function uniqueTenantId(label = 't'): string {
  return `${label}_${randomSuffix()}`;
}

/** A unique name for a stream, consumer or database (letters, digits, underscores). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomSuffix()}`.replace(/[^A-Za-z0-9_]/g, '_');
}
