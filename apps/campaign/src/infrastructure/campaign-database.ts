import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppError, ErrorKind, PG_POOL, TenantDb } from '@cc/platform';
import type { Pool } from 'pg';
import { CAMPAIGN_SCHEMA } from '../config/campaign.config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type CampaignTx = Prisma.TransactionClient;

/**
 * campaign's Prisma client over the platform's pool (role cc_app, schema campaign) and the TenantDb
 * that scopes every transaction to the current tenant for row-level security.
 */
@Injectable()
export class CampaignDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  private readonly db: TenantDb<CampaignTx>;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: CAMPAIGN_SCHEMA }) });
    this.db = new TenantDb<CampaignTx>(this.prisma);
  }

  /** Runs `fn` in one transaction of the current tenant (TenantContext). */
  tenant<R>(fn: (tx: CampaignTx, tenantId: string) => Promise<R>): Promise<R> {
    return this.db.tenant(fn).catch(translateUniqueViolation);
  }

  /** Work across tenants (the dialer finding running campaigns). */
  operator<R>(fn: (tx: CampaignTx) => Promise<R>): Promise<R> {
    return this.db.operator(fn);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

function translateUniqueViolation(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'P2002' || code === '23505' || /unique constraint/i.test(message)) {
    throw new AppError(ErrorKind.AlreadyExists, 'a value that must be unique was taken meanwhile; retry', {
      code: 'campaign.unique_violation',
      cause: error,
    });
  }
  throw error;
}
