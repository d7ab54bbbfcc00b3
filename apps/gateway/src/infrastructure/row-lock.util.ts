import type { GatewayTx } from './gateway-database';

/** The versioned tables whose updates check If-Match. */
export type LockableTable = 'tenant' | 'app_user' | 'api_key' | 'webhook_subscription' | 'webhook_delivery';

/**
 * Locks one row until the transaction ends. Read-check-write (If-Match, "not yet revoked") must hold
 * the lock from the read on: otherwise two requests carrying the same ETag both pass the check and
 * the second silently overwrites the first (a lost update). Under READ COMMITTED the read that follows
 * sees the row as the previous lock holder committed it. No row (or another tenant's): no lock, and
 * the caller's own look-up answers 404.
 */
export async function lockRow(tx: GatewayTx, table: LockableTable, id: string): Promise<void> {
  // The table name comes from the closed union above, never from input.
  await tx.$queryRawUnsafe(`SELECT 1 FROM "${table}" WHERE id = $1 FOR UPDATE`, id);
}
