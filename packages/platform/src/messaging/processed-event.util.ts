/**
 * The idempotent-consumer inbox. A handler records `(consumer, event id)` in the SAME database
 * transaction as its effect; a redelivered event finds the row and skips the effect, so at-least-once
 * delivery never doubles an effect.
 */

/**
 * Runs one SQL statement and returns the number of rows it affected. Adapters: `pgExecutor(client)`
 * for node-postgres and `prismaExecutor(tx)` for a Prisma interactive transaction.
 */
export type SqlExecutor = (sql: string, params: unknown[]) => Promise<number>;

/** node-postgres `Client` / `PoolClient` (use the client that holds the transaction). */
export function pgExecutor(client: {
  query(sql: string, params: unknown[]): Promise<{ rowCount: number | null }>;
}): SqlExecutor {
  return async (sql, params) => (await client.query(sql, params)).rowCount ?? 0;
}

/** A Prisma transaction client (`prisma.$transaction(async (tx) => ...)`). */
export function prismaExecutor(tx: {
  $executeRawUnsafe(sql: string, ...params: unknown[]): Promise<number>;
}): SqlExecutor {
  return (sql, params) => tx.$executeRawUnsafe(sql, ...params);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function qualifiedTable(schema: string | undefined): string {
  if (schema === undefined) return 'processed_event';
  if (!IDENTIFIER.test(schema)) throw new Error(`schema "${schema}" is not a plain lowercase SQL identifier`);
  return `"${schema}".processed_event`;
}

/**
 * The inbox table, for each service's migration (unqualified: the migration runs in the service's
 * schema). Not tenant-owned: a consumer's inbox spans tenants, and event ids are globally unique.
 */
export const PROCESSED_EVENT_DDL = `CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);
`;

/** The same DDL qualified with a schema (tests, tools). */
export function processedEventDdl(schema: string): string {
  return PROCESSED_EVENT_DDL.replace(/ON processed_event /, `ON ${qualifiedTable(schema)} `).replace(
    /TABLE IF NOT EXISTS processed_event /,
    `TABLE IF NOT EXISTS ${qualifiedTable(schema)} `,
  );
}

export interface RunOnceKey {
  consumer: string;
  eventId: string;
  /** The service's schema; omit to use the connection's search_path. */
  schema?: string;
}

export type RunOnceResult<T> = { ran: true; result: T } | { ran: false };

/**
 * Inside the caller's transaction: claims `(consumer, eventId)` and runs `effect` only when the
 * claim is new. Must be called with the executor of the transaction that also holds the effect,
 * otherwise a crash between the two breaks exactly-once. A concurrent duplicate blocks on the
 * primary key until the first transaction ends, then sees the row.
 */
export async function runOnce<T>(
  exec: SqlExecutor,
  key: RunOnceKey,
  effect: () => Promise<T>,
): Promise<RunOnceResult<T>> {
  const inserted = await exec(
    `INSERT INTO ${qualifiedTable(key.schema)} (consumer, event_id, processed_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`,
    [key.consumer, key.eventId],
  );
  if (inserted === 0) return { ran: false };
  return { ran: true, result: await effect() };
}

/**
 * Deletes inbox rows older than the stream's max age (after which the event cannot be redelivered).
 * Returns the rows deleted.
 */
export function pruneProcessedEvents(exec: SqlExecutor, olderThan: Date, schema?: string): Promise<number> {
  return exec(`DELETE FROM ${qualifiedTable(schema)} WHERE processed_at < $1`, [olderThan]);
}
