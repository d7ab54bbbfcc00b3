import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { AuditService } from '../audit/audit.service';

/** The gateway's tenant-owned tables, children first. */
const TENANT_TABLES = [
  'webhook_attempt',
  'webhook_delivery',
  'webhook_subscription',
  'idempotency_record',
  'refresh_token',
  'api_key',
  'app_user',
  'audit_record',
] as const;

/**
 * Applies the retention rule of deleted tenants: once a deleted tenant's `purgeAfter` has passed,
 * its rows in the gateway (users, sessions, keys, webhooks and their deliveries, stored responses,
 * its audit log) are deleted in one transaction, `purgeAfter` is cleared (the tenant row stays, so
 * its id is never reused), and an operator-wide audit record says what went. Several replicas may
 * run it: each tenant is taken with SKIP LOCKED. The data the services keep (crm, telephony, acd) is
 * theirs to purge.
 */
@Injectable()
export class TenantPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TenantPurge');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: GatewayDatabase,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.TENANT_PURGE_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      this.purgeDue().catch((error: unknown) =>
        this.logger.error(`purge failed: ${(error as Error).message}`),
      );
    }, this.config.TENANT_PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Purges every deleted tenant whose retention has run out; returns their ids. */
  async purgeDue(): Promise<string[]> {
    const purged: string[] = [];
    for (;;) {
      const tenantId = await this.purgeOne();
      if (tenantId === undefined) return purged;
      purged.push(tenantId);
    }
  }

  private purgeOne(): Promise<string | undefined> {
    const now = this.clock.now();
    return this.database.operator(async (tx) => {
      const [due] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM tenant WHERE status = 'deleted' AND purge_after IS NOT NULL AND purge_after <= ${now}
        ORDER BY purge_after LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!due) return undefined;
      const removed: Record<string, number> = {};
      for (const table of TENANT_TABLES) {
        // Table names are the constants above, never input.
        removed[table] = await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE tenant_id = $1`, due.id);
      }
      await tx.tenant.update({ where: { id: due.id }, data: { purgeAfter: null, updatedAt: now } });
      await this.audit.record(tx, {
        tenantId: null,
        actor: 'system:tenant-purge',
        action: 'tenant.purged',
        resourceType: 'tenant',
        resourceId: due.id,
        after: { removed },
      });
      this.logger.log(`purged tenant ${due.id}`);
      return due.id;
    });
  }
}
