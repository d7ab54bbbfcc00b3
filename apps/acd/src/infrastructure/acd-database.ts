import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PG_POOL, TenantDb } from '@cc/platform';
import type { Pool } from 'pg';
import { ACD_SCHEMA } from '../config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type AcdTx = Prisma.TransactionClient;

/** Loading the whole configuration (40,000 queues) takes longer than Prisma's 5 s default. */
const LOAD_TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * acd's Prisma client over the platform's pool (role cc_app, schema acd): every access goes through
 * TenantDb, so row-level security scopes it to the calling tenant (or, explicitly, the operator).
 */
@Injectable()
export class AcdDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  readonly db: TenantDb<AcdTx>;
  /** Operator-wide reads of the whole configuration at start-up. */
  readonly loadDb: TenantDb<AcdTx>;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: ACD_SCHEMA }) });
    this.db = new TenantDb<AcdTx>(this.prisma);
    this.loadDb = new TenantDb<AcdTx>({
      $transaction: <R>(fn: (tx: AcdTx) => Promise<R>) =>
        this.prisma.$transaction(fn, { timeout: LOAD_TRANSACTION_TIMEOUT_MS, maxWait: 10_000 }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
