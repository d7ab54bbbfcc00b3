import { Injectable } from '@nestjs/common';
import type { CrmTx } from '../../infrastructure/crm-database';
import { type CustomFieldDefinition, type CustomFieldType } from '../customers/custom-field.util';
import { DEFAULT_TIER_POLICY, type TierPolicy } from '../value/value-tier.util';

export interface TenantSettingsView {
  defaultCountry: string | null;
  currency: string;
  tierPolicy: TierPolicy;
}

export const DEFAULT_SETTINGS: TenantSettingsView = {
  defaultCountry: null,
  currency: 'EUR',
  tierPolicy: DEFAULT_TIER_POLICY,
};

/**
 * A share as the tenant set it: the column is a float4, whose 0.2 reads back as 0.2000000030, and
 * ceil(10 x 0.2000000030) would put 3 customers of 10 in the top 20%.
 */
export function share(stored: number): number {
  return Math.round(stored * 1e6) / 1e6;
}

/** Tenant settings and custom field definitions. */
@Injectable()
export class SettingsRepository {
  async get(tx: CrmTx, tenantId: string): Promise<TenantSettingsView> {
    const row = await tx.tenantSettings.findUnique({ where: { tenantId } });
    if (!row) return DEFAULT_SETTINGS;
    return {
      defaultCountry: row.defaultCountry,
      currency: row.currency,
      tierPolicy: {
        topShare: share(row.topShare),
        highShare: share(row.highShare),
        mediumShare: share(row.mediumShare),
      },
    };
  }

  async put(tx: CrmTx, tenantId: string, settings: TenantSettingsView): Promise<void> {
    const data = {
      defaultCountry: settings.defaultCountry,
      currency: settings.currency,
      topShare: settings.tierPolicy.topShare,
      highShare: settings.tierPolicy.highShare,
      mediumShare: settings.tierPolicy.mediumShare,
    };
    await tx.tenantSettings.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
  }

  async listFields(tx: CrmTx, tenantId: string): Promise<CustomFieldDefinition[]> {
    const rows = await tx.customFieldDefinition.findMany({ where: { tenantId }, orderBy: { key: 'asc' } });
    return rows.map((r) => ({
      key: r.key,
      label: r.label,
      type: r.type as CustomFieldType,
      required: r.required,
      options: r.options,
    }));
  }

  async putField(tx: CrmTx, tenantId: string, id: string, field: CustomFieldDefinition): Promise<void> {
    const data = { label: field.label, type: field.type, required: field.required, options: field.options };
    await tx.customFieldDefinition.upsert({
      where: { tenantId_key: { tenantId, key: field.key } },
      create: { id, tenantId, key: field.key, ...data },
      update: data,
    });
  }

  async deleteField(tx: CrmTx, tenantId: string, key: string): Promise<boolean> {
    const { count } = await tx.customFieldDefinition.deleteMany({ where: { tenantId, key } });
    return count > 0;
  }
}
