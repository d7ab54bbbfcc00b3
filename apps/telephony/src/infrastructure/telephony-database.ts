import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PG_POOL, TenantDb } from '@cc/platform';
import type { Pool } from 'pg';
import { TELEPHONY_SCHEMA } from '../config/telephony.config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type TelephonyTx = Prisma.TransactionClient;

/**
 * telephony's Prisma client over the platform's pool (role cc_app, schema telephony): every access
 * goes through TenantDb, so row-level security scopes it to the calling tenant (or, explicitly, the
 * operator: only the DID lookup of an incoming call, which knows no tenant yet).
 */
@Injectable()
export class TelephonyDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  readonly db: TenantDb<TelephonyTx>;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: TELEPHONY_SCHEMA }) });
    this.db = new TenantDb<TelephonyTx>(this.prisma);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
