import { TenantContext } from '../tenancy/tenant-context';

/** The part of a Prisma client we need: interactive transactions. */
export interface TransactionalClient<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/** The part of a Prisma transaction client we need to set the tenant. */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * Every data access of a service goes through here. `tenant()` opens a transaction, sets
 * `app.tenant_id` for it (read by the row-level security policies) and hands the transaction to the
 * caller, so a query outside a tenant, or reaching another tenant's rows, is impossible by
 * construction. RLS is the second wall: repositories still filter by tenantId themselves.
 */
export class TenantDb<Tx extends RawExecutor> {
  constructor(private readonly client: TransactionalClient<Tx>) {}

  /** Runs `fn` in a transaction scoped to the current tenant (from TenantContext). */
  async tenant<R>(fn: (tx: Tx, tenantId: string) => Promise<R>): Promise<R> {
    const tenantId = TenantContext.require();
    return this.client.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT set_config('app.tenant_id', $1, true)`, tenantId);
      return fn(tx, tenantId);
    });
  }

  /**
   * Runs `fn` across tenants, for the operator's own work (admin APIs, maintenance). The policies let
   * such a transaction through only because it says so explicitly; use it nowhere a tenant acts.
   */
  operator<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
    return this.client.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT set_config('app.operator', 'on', true)`);
      return fn(tx);
    });
  }
}
