import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PG_POOL, TenantContext, TenantDb } from '@cc/platform';
import type { Pool } from 'pg';
import { GATEWAY_SCHEMA } from '../config/gateway.config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

export type GatewayTx = Prisma.TransactionClient;

/**
 * The gateway's Prisma client over the platform's pool (role cc_app, schema gateway). Tenant work goes
 * through `tenant(tenantId, fn)`, which sets the row-level-security tenant; `operator(fn)` is for
 * the operator's own tables and for credential look-ups made before the tenant is known.
 */
@Injectable()
export class GatewayDatabase implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  private readonly db: TenantDb<GatewayTx>;

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: GATEWAY_SCHEMA }) });
    this.db = new TenantDb<GatewayTx>(this.prisma);
  }

  /** One transaction scoped to `tenantId` (the credential's tenant, or the one an operator names). */
  tenant<R>(tenantId: string, fn: (tx: GatewayTx) => Promise<R>): Promise<R> {
    const current = TenantContext.current();
    return TenantContext.run({ ...current, tenantId }, () => this.db.tenant((tx) => fn(tx)));
  }

  operator<R>(fn: (tx: GatewayTx) => Promise<R>): Promise<R> {
    return this.db.operator(fn);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
