import { Injectable } from '@nestjs/common';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase, type GatewayTx } from '../../infrastructure/gateway-database';
import { newId } from '../../infrastructure/id.util';
import { pageArgs, toPage, type Page, type PageQuery } from '../http/pagination.util';

export interface AuditEntry {
  /** The tenant whose data changed; null for operator-wide changes. */
  tenantId: string | null;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before?: object | null;
  after?: object | null;
}

export interface AuditView {
  id: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  at: string;
}

/** Writes audit records in the SAME transaction as the change, so a change without its record cannot exist. */
@Injectable()
export class AuditService {
  constructor(
    private readonly database: GatewayDatabase,
    private readonly clock: Clock,
  ) {}

  async record(tx: GatewayTx, entry: AuditEntry): Promise<void> {
    const now = this.clock.now();
    await tx.auditRecord.create({
      data: {
        id: newId('aud', now),
        tenantId: entry.tenantId,
        actor: entry.actor,
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        before: entry.before ?? undefined,
        after: entry.after ?? undefined,
        at: now,
      },
    });
  }

  /**
   * A record of a change another service made (it committed there, so it cannot share our
   * transaction): written right after that service confirmed it (docs/adr/0014).
   */
  async recordAfter(entry: AuditEntry): Promise<void> {
    if (entry.tenantId === null) await this.database.operator((tx) => this.record(tx, entry));
    else await this.database.tenant(entry.tenantId, (tx) => this.record(tx, entry));
  }

  list(tenantId: string, query: PageQuery): Promise<Page<AuditView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const args = pageArgs(query);
      const rows = await tx.auditRecord.findMany({ ...args, where: { ...args.where, tenantId } });
      return toPage(rows, query.limit, (r) => ({
        id: r.id,
        actor: r.actor,
        action: r.action,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        before: r.before,
        after: r.after,
        at: r.at.toISOString(),
      }));
    });
  }
}
