import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppError, ErrorKind, PG_POOL, TenantContext, TenantDb } from '@cc/platform';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { CRM_SCHEMA } from '../config/crm.config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type CrmTx = Prisma.TransactionClient;

/** The functions of migration `hot_path_functions` (only these names reach SQL text). */
export type HotPathFunction = 'screen_pop' | 'dnc_hits';

const BULK_TRANSACTION_TIMEOUT_MS = 10 * 60_000;

/**
 * crm's Prisma client over the platform's pool (role cc_app, schema crm) and the TenantDb that
 * scopes every transaction to the current tenant for row-level security.
 */
@Injectable()
export class CrmDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  readonly db: TenantDb<CrmTx>;
  /** For bulk work (CSV import): one transaction may run for minutes. */
  private readonly bulkDb: TenantDb<CrmTx>;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: CRM_SCHEMA }) });
    this.db = new TenantDb<CrmTx>(this.prisma);
    this.bulkDb = new TenantDb<CrmTx>({
      $transaction: <R>(fn: (tx: CrmTx) => Promise<R>) =>
        this.prisma.$transaction(fn, { timeout: BULK_TRANSACTION_TIMEOUT_MS, maxWait: 10_000 }),
    });
  }

  /** Runs `fn` in one transaction of the current tenant (TenantContext). */
  tenant<R>(fn: (tx: CrmTx, tenantId: string) => Promise<R>): Promise<R> {
    return this.db.tenant(fn).catch(translateDatabaseError);
  }

  /** The same for long bulk work (Prisma's default interactive transaction timeout is 5 s). */
  tenantBulk<R>(fn: (tx: CrmTx, tenantId: string) => Promise<R>): Promise<R> {
    return this.bulkDb.tenant(fn).catch(translateDatabaseError);
  }

  /**
   * A read-only transaction of the current tenant straight on the pg pool, for the hot read paths
   * (screen pop, do-not-call checks) where Prisma's per-statement overhead is most of the latency.
   * The same role and the same `app.tenant_id` setting as `tenant()`, so row-level security applies.
   */
  async tenantRead<R>(fn: (client: PoolClient, tenantId: string) => Promise<R>): Promise<R> {
    const tenantId = TenantContext.require();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const result = await fn(client, tenantId);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * One round trip for a hot path: `SELECT * FROM <fn>(tenant, ...args)` as a named prepared
   * statement on the pool. The function (a migration's PL/pgSQL) sets `app.tenant_id` from its first
   * argument before it reads, and the statement's implicit transaction ends that setting; the tenant
   * always comes from TenantContext here, so row-level security holds as in `tenantRead`.
   */
  async tenantFunction<R extends QueryResultRow>(
    fn: HotPathFunction,
    args: readonly unknown[],
  ): Promise<R[]> {
    const tenantId = TenantContext.require();
    const placeholders = args.map((_, i) => `$${i + 2}`).join(', ');
    const { rows } = await this.pool.query<R>({
      name: `crm_${fn}_${args.length}`,
      text: `SELECT * FROM ${fn}($1${placeholders ? `, ${placeholders}` : ''})`,
      values: [tenantId, ...args],
    });
    return rows;
  }

  /**
   * One read-write transaction of the current tenant on a raw pg connection, for bulk work that
   * streams (COPY FROM STDIN for CSV imports). The same role and tenant setting as `tenant()`; all or
   * nothing: any error (or a cancellation the callback throws) rolls everything back.
   */
  async tenantBulkWrite<R>(fn: (client: PoolClient, tenantId: string) => Promise<R>): Promise<R> {
    const tenantId = TenantContext.require();
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const result = await fn(client, tenantId);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      return translateDatabaseError(error);
    } finally {
      // After a failed (possibly aborted mid-COPY) transaction the connection is not reused.
      client.release(failed);
    }
  }

  /** Operator-wide work (the operator's DNC list). */
  operator<R>(fn: (tx: CrmTx) => Promise<R>): Promise<R> {
    return this.db.operator(fn);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/**
 * Services check uniqueness (phone, external reference) before writing and name the field; a
 * concurrent writer can still win between the check and the insert. That race ends here as a 409,
 * not as a 500.
 */
function translateDatabaseError(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'P2002' || code === '23505' || /unique constraint/i.test(message)) {
    throw new AppError(ErrorKind.AlreadyExists, 'a value that must be unique was taken meanwhile; retry', {
      code: 'crm.unique_violation',
      cause: error,
    });
  }
  // No free connection in time (P2028), or a write conflict / deadlock Postgres resolved by aborting
  // us (P2034, 40001, 40P01): the request did nothing and may be retried; 503, not a 500.
  if (
    code === 'P2028' ||
    code === 'P2034' ||
    code === '40001' ||
    code === '40P01' ||
    /Code: `(40001|40P01)`/.test(message)
  ) {
    throw new AppError(ErrorKind.Unavailable, 'the database is busy; retry shortly', {
      code: 'crm.busy',
      cause: error,
    });
  }
  throw error;
}
