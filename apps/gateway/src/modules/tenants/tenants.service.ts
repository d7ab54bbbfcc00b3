import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { APP_CONFIG, AppError, ErrorKind } from '@cc/platform';
import { isTenantId } from '@cc/contracts';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { lockRow } from '../../infrastructure/row-lock.util';
import type { Tenant } from '../../generated/prisma/client';
import { AuditService } from '../audit/audit.service';
import { checkIfMatch } from '../http/etag.util';
import { pageArgs, toPage, type Page, type PageQuery } from '../http/pagination.util';
import type { CreateTenant, TenantView, UpdateTenant } from './tenant.schema';

const DAY_MS = 86_400_000;

export function tenantView(t: Tenant): TenantView {
  return {
    id: t.id,
    name: t.name,
    status: t.status as TenantView['status'],
    deletedAt: t.deletedAt?.toISOString() ?? null,
    purgeAfter: t.purgeAfter?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** The operator's tenants. Deleting is soft: credentials stop at once, data is kept until purgeAfter. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly database: GatewayDatabase,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  create(actor: string, input: CreateTenant): Promise<{ tenant: TenantView; version: number }> {
    return this.database.operator(async (tx) => {
      const exists = await tx.tenant.findUnique({ where: { id: input.id } });
      if (exists)
        throw new AppError(ErrorKind.AlreadyExists, `tenant ${input.id} already exists`, {
          code: 'tenant_exists',
        });
      const now = this.clock.now();
      const tenant = await tx.tenant.create({
        data: { id: input.id, name: input.name, createdAt: now, updatedAt: now },
      });
      await this.audit.record(tx, {
        tenantId: tenant.id,
        actor,
        action: 'tenant.created',
        resourceType: 'tenant',
        resourceId: tenant.id,
        after: tenantView(tenant),
      });
      return { tenant: tenantView(tenant), version: tenant.version };
    });
  }

  list(query: PageQuery): Promise<Page<TenantView>> {
    return this.database.operator(async (tx) =>
      toPage(await tx.tenant.findMany(pageArgs(query)), query.limit, tenantView),
    );
  }

  get(tenantId: string): Promise<{ tenant: TenantView; version: number }> {
    return this.database.operator(async (tx) => {
      const tenant = await tx.tenant.findUnique({ where: { id: tenantId } });
      if (!tenant) throw AppError.notFound('tenant', tenantId);
      return { tenant: tenantView(tenant), version: tenant.version };
    });
  }

  update(
    actor: string,
    tenantId: string,
    input: UpdateTenant,
    ifMatch?: string,
  ): Promise<{ tenant: TenantView; version: number }> {
    return this.database.operator(async (tx) => {
      await lockRow(tx, 'tenant', tenantId);
      const before = await tx.tenant.findUnique({ where: { id: tenantId } });
      if (!before) throw AppError.notFound('tenant', tenantId);
      checkIfMatch(ifMatch, before.version);
      if (before.status === 'deleted')
        throw new AppError(ErrorKind.FailedPrecondition, 'a deleted tenant cannot change', {
          code: 'tenant_deleted',
        });
      const after = await tx.tenant.update({
        where: { id: tenantId },
        data: { ...input, version: { increment: 1 }, updatedAt: this.clock.now() },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'tenant.updated',
        resourceType: 'tenant',
        resourceId: tenantId,
        before: tenantView(before),
        after: tenantView(after),
      });
      return { tenant: tenantView(after), version: after.version };
    });
  }

  /** Soft delete: status deleted, API keys revoked, refresh tokens revoked, purge date set. */
  remove(actor: string, tenantId: string, ifMatch?: string): Promise<TenantView> {
    return this.database.operator(async (tx) => {
      await lockRow(tx, 'tenant', tenantId);
      const before = await tx.tenant.findUnique({ where: { id: tenantId } });
      if (!before || before.status === 'deleted') throw AppError.notFound('tenant', tenantId);
      checkIfMatch(ifMatch, before.version);
      const now = this.clock.now();
      const after = await tx.tenant.update({
        where: { id: tenantId },
        data: {
          status: 'deleted',
          deletedAt: now,
          purgeAfter: new Date(now.getTime() + this.config.TENANT_RETENTION_DAYS * DAY_MS),
          version: { increment: 1 },
          updatedAt: now,
        },
      });
      await tx.apiKey.updateMany({ where: { tenantId, revokedAt: null }, data: { revokedAt: now } });
      await tx.refreshToken.updateMany({ where: { tenantId, revokedAt: null }, data: { revokedAt: now } });
      await tx.webhookSubscription.updateMany({ where: { tenantId }, data: { active: false } });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'tenant.deleted',
        resourceType: 'tenant',
        resourceId: tenantId,
        before: tenantView(before),
        after: tenantView(after),
      });
      return tenantView(after);
    });
  }

  async requireLive(tenantId: string): Promise<void> {
    const found = isTenantId(tenantId)
      ? await this.database.operator((tx) => tx.tenant.findUnique({ where: { id: tenantId } }))
      : null;
    if (!found || found.status === 'deleted') throw AppError.notFound('tenant', tenantId);
  }
}

/** `@Param('tenantId', ExistingTenantPipe)`: admin routes on a tenant's data 404 for an unknown tenant. */
@Injectable()
export class ExistingTenantPipe implements PipeTransform<string, Promise<string>> {
  constructor(private readonly tenants: TenantsService) {}

  async transform(value: string): Promise<string> {
    await this.tenants.requireLive(value);
    return value;
  }
}
