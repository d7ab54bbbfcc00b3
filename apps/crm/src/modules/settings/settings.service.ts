import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import { CrmDatabase } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import {
  CUSTOM_FIELD_KEY,
  CustomFieldDefinitionInputSchema,
  type CustomFieldDefinition,
} from '../customers/custom-field.util';
import { COUNTRY_PATTERN } from '../phone/phone-number.util';
import { validTierPolicy } from '../value/value-tier.util';
import { SettingsRepository, type TenantSettingsView } from './settings.repository';
import { TenantSettingsCache } from './tenant-settings.cache';

export const TenantSettingsInputSchema = z
  .object({
    defaultCountry: z
      .string()
      .regex(COUNTRY_PATTERN, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .nullable(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    tierPolicy: z
      .object({
        topShare: z.number().min(0).max(1),
        highShare: z.number().min(0).max(1),
        mediumShare: z.number().min(0).max(1),
      })
      .strict()
      .refine(validTierPolicy, { message: 'the shares must add up to at most 1' }),
  })
  .strict();

@Injectable()
export class SettingsService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly settings: SettingsRepository,
    private readonly cache: TenantSettingsCache,
  ) {}

  get(): Promise<TenantSettingsView> {
    return this.database.tenant((tx, tenantId) => this.settings.get(tx, tenantId));
  }

  async put(body: unknown): Promise<TenantSettingsView> {
    const input = parseOrThrow(TenantSettingsInputSchema, body, 'body');
    const { saved, tenantId } = await this.database.tenant(async (tx, tenantId) => {
      await this.settings.put(tx, tenantId, input);
      return { saved: await this.settings.get(tx, tenantId), tenantId };
    });
    this.cache.invalidate(tenantId);
    return saved;
  }

  listFields(): Promise<CustomFieldDefinition[]> {
    return this.database.tenant((tx, tenantId) => this.settings.listFields(tx, tenantId));
  }

  async putField(key: string, body: unknown): Promise<CustomFieldDefinition> {
    if (!CUSTOM_FIELD_KEY.test(key)) {
      throw AppError.invalid([
        {
          field: 'key',
          rule: 'invalid_format',
          message: 'must be 1-63 chars of a-z, 0-9 and "_", starting with a letter',
        },
      ]);
    }
    const input = parseOrThrow(CustomFieldDefinitionInputSchema, body, 'body');
    const field: CustomFieldDefinition = { key, ...input };
    await this.database.tenant((tx, tenantId) => this.settings.putField(tx, tenantId, newId('cfd'), field));
    return field;
  }

  async deleteField(key: string): Promise<void> {
    const deleted = await this.database.tenant((tx, tenantId) =>
      this.settings.deleteField(tx, tenantId, key),
    );
    if (!deleted) throw AppError.notFound('custom field', key);
  }
}
