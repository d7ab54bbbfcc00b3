import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppError, ErrorKind, PG_POOL, TenantDb } from '@cc/platform';
import type { Pool } from 'pg';
import { QA_SCHEMA } from '../config/qa.config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type QaTx = Prisma.TransactionClient;

/**
 * qa's Prisma client over the platform's pool (role cc_app, schema qa) and the TenantDb that
 * scopes every transaction to the current tenant for row-level security.
 */
@Injectable()
export class QaDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  readonly db: TenantDb<QaTx>;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: QA_SCHEMA }) });
    this.db = new TenantDb<QaTx>(this.prisma);
  }

  /** Runs `fn` in one transaction of the current tenant (TenantContext). */
  tenant<R>(fn: (tx: QaTx, tenantId: string) => Promise<R>): Promise<R> {
    return this.db.tenant(fn).catch(translateUniqueViolation);
  }

  /** Operator-wide work (the outbox relay). */
  operator<R>(fn: (tx: QaTx) => Promise<R>): Promise<R> {
    return this.db.operator(fn);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/** A concurrent writer that took a unique value between our check and our insert: 409, not 500. */
function translateUniqueViolation(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === 'P2002' || code === '23505') {
    throw new AppError(ErrorKind.AlreadyExists, 'a value that must be unique was taken meanwhile; retry', {
      code: 'qa.unique_violation',
      cause: error,
    });
  }
  throw error;
}
