import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import { Clock } from '../../infrastructure/clock';
import { CrmDatabase, type CrmTx } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { SettingsRepository } from '../settings/settings.repository';
import { CrmFactsOutbox } from './crm-facts.outbox';
import type { TierChange } from './value-tier.util';

export const RevenueInputSchema = z
  .object({
    /** Minor units (cents) as an integer or a decimal string; negative for a refund. */
    amountMinor: z.union([z.number().int().safe(), z.string().regex(/^-?\d{1,18}$/)]),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    occurredAt: z.coerce.date().optional(),
    source: z.string().trim().min(1).max(64).default('api'),
    externalRef: z.string().trim().min(1).max(128).optional(),
  })
  .strict();

export interface RevenueResult {
  created: boolean;
  lifetimeValueMinor: bigint;
  currency: string;
  tierChanges: number;
}

/**
 * Revenue records, lifetime values and the tenant's value tiers. The tiers are recomputed in the
 * transaction that changed a value (a tenant's ranking is one statement), and the
 * `customer.tier_changed` facts go into the outbox in that same transaction.
 */
@Injectable()
export class ValueService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly settings: SettingsRepository,
    private readonly facts: CrmFactsOutbox,
    private readonly clock: Clock,
  ) {}

  async addRevenue(customerId: string, body: unknown): Promise<RevenueResult> {
    const input = parseOrThrow(RevenueInputSchema, body, 'body');
    const amount = BigInt(input.amountMinor);
    return this.database.tenant(async (tx, tenantId) => {
      // Before the customer's row is touched: see lockTenantTiers.
      await lockTenantTiers(tx, tenantId);
      const settings = await this.settings.get(tx, tenantId);
      if (input.currency !== settings.currency) {
        throw AppError.invalid([
          {
            field: 'body.currency',
            rule: 'currency',
            message: `must be the tenant's currency ${settings.currency}`,
          },
        ]);
      }
      const customer = await tx.customer.findFirst({
        where: { id: customerId, tenantId },
        select: { id: true },
      });
      if (!customer) throw AppError.notFound('customer', customerId);
      const { count } = await tx.revenueRecord.createMany({
        data: [
          {
            id: newId('rev'),
            tenantId,
            customerId,
            amountMinor: amount,
            currency: input.currency,
            occurredAt: input.occurredAt ?? this.clock.now(),
            source: input.source,
            externalRef: input.externalRef ?? null,
          },
        ],
        skipDuplicates: true,
      });
      const created = count === 1;
      if (created) {
        await tx.customer.updateMany({
          where: { id: customerId, tenantId },
          data: { lifetimeValueMinor: { increment: amount } },
        });
      }
      const changes = created ? await this.recomputeInTx(tx, tenantId) : [];
      await this.facts.tierChanged(tx, tenantId, changes, settings.currency);
      const after = await tx.customer.findFirst({
        where: { id: customerId, tenantId },
        select: { lifetimeValueMinor: true },
      });
      return {
        created,
        lifetimeValueMinor: after!.lifetimeValueMinor,
        currency: settings.currency,
        tierChanges: changes.length,
      };
    });
  }

  /** Recomputes the current tenant's tiers (after a bulk import of values, or a policy change). */
  async recompute(): Promise<{ changed: number }> {
    return this.database.tenantBulk(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const changes = await this.recomputeInTx(tx, tenantId);
      await this.facts.tierChanged(tx, tenantId, changes, settings.currency);
      return { changed: changes.length };
    });
  }

  /**
   * Re-ranks the tenant in Postgres: one statement ranks every customer (window functions over the
   * (tenant_id, lifetime_value_minor) index) and rewrites only the tiers that change, returning
   * them. It implements exactly the rule of `assignTiers` (value-tier.util.ts, the specification,
   * held equal to it by test/value-tiers.integration-spec.ts), without pulling a tenant's customers
   * into the service.
   */
  async recomputeInTx(tx: CrmTx, tenantId: string): Promise<TierChange[]> {
    await lockTenantTiers(tx, tenantId);
    const settings = await this.settings.get(tx, tenantId);
    const { topShare, highShare, mediumShare } = settings.tierPolicy;
    const rows = await tx.$queryRaw<{ id: string; from: number; to: number; value: bigint }[]>`
      WITH ranked AS (
        SELECT id, value_tier, lifetime_value_minor AS value,
               rank() OVER (ORDER BY lifetime_value_minor DESC) - 1 AS greater,
               count(*) OVER () AS total
          FROM customer WHERE tenant_id = ${tenantId}
      ), tiered AS (
        SELECT id, value_tier, value,
               CASE
                 WHEN value <= 0 THEN 1
                 WHEN greater < ceil(total * ${topShare}::numeric) THEN 4
                 WHEN greater < ceil(total * (${topShare}::numeric + ${highShare}::numeric)) THEN 3
                 WHEN greater < ceil(total * (${topShare}::numeric + ${highShare}::numeric + ${mediumShare}::numeric)) THEN 2
                 ELSE 1
               END AS tier
          FROM ranked
      )
      UPDATE customer c SET value_tier = t.tier, updated_at = now()
        FROM tiered t
       WHERE c.id = t.id AND c.tenant_id = ${tenantId} AND c.value_tier <> t.tier
      RETURNING c.id, t.value_tier::int AS "from", t.tier::int AS "to", t.value`;
    return rows.map((r) => ({
      id: r.id,
      from: r.from,
      to: r.to,
      value: BigInt(r.value),
    }));
  }
}

/**
 * One tier re-ranking per tenant at a time. Re-ranking rewrites tiers across the tenant's customers,
 * so two concurrent revenue records (each holding its own customer's row) deadlocked on each other's
 * rows under load. A transaction-scoped advisory lock, taken before any row, orders them instead
 * (re-entrant within the transaction, released at commit).
 */
async function lockTenantTiers(tx: CrmTx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('crm.tiers'), hashtext(${tenantId}))`;
}
