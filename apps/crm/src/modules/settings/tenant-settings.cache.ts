import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { Clock } from '../../infrastructure/clock';
import { DEFAULT_SETTINGS, share, type TenantSettingsView } from './settings.repository';

/** How long a replica may use a tenant's settings before re-reading them (a change shows within this). */
export const SETTINGS_TTL_MS = 30_000;

/**
 * Tenant settings for the hot read paths (screen pop, DNC check): the default country and currency
 * change rarely, so each replica keeps them for SETTINGS_TTL_MS instead of reading them per call.
 */
@Injectable()
export class TenantSettingsCache {
  private readonly entries = new Map<string, { value: TenantSettingsView; expires: number }>();

  constructor(private readonly clock: Clock) {}

  /** The tenant's settings when this replica holds fresh ones (no I/O). */
  peek(tenantId: string): TenantSettingsView | undefined {
    const cached = this.entries.get(tenantId);
    return cached && cached.expires > this.clock.now().getTime() ? cached.value : undefined;
  }

  async get(client: PoolClient, tenantId: string): Promise<TenantSettingsView> {
    const now = this.clock.now().getTime();
    const cached = this.entries.get(tenantId);
    if (cached && cached.expires > now) return cached.value;
    const { rows } = await client.query<{
      default_country: string | null;
      currency: string;
      top_share: number;
      high_share: number;
      medium_share: number;
    }>(
      'SELECT default_country, currency, top_share, high_share, medium_share FROM tenant_settings WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    const value: TenantSettingsView = row
      ? {
          defaultCountry: row.default_country,
          currency: row.currency,
          tierPolicy: {
            topShare: share(row.top_share),
            highShare: share(row.high_share),
            mediumShare: share(row.medium_share),
          },
        }
      : DEFAULT_SETTINGS;
    this.entries.set(tenantId, { value, expires: now + SETTINGS_TTL_MS });
    return value;
  }

  /** Forgets a tenant's settings on this replica (after it changed them here). */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
  }
}
