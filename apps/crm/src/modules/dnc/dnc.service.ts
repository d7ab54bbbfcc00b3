import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow, TenantContext } from '@cc/platform';
import { z } from 'zod';
import type { DncEntry, OperatorDncEntry } from '../../generated/prisma/client';
import { Clock } from '../../infrastructure/clock';
import { CrmDatabase } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { PhoneNormalizationCache } from '../phone/phone-number.cache';
import { PHONE_REASON_MESSAGES, parsePhoneNumber } from '../phone/phone-number.util';
import { SettingsRepository } from '../settings/settings.repository';
import { TenantSettingsCache } from '../settings/tenant-settings.cache';
import { decideDnc, type DncListEntry, type DncVerdict } from './dnc.util';

export const MAX_DNC_BATCH = 10_000;

export const DncEntryInputSchema = z
  .object({
    phoneNumber: z.string().min(1).max(64),
    reason: z.string().trim().min(1).max(200),
    source: z.string().trim().min(1).max(64).default('api'),
    expiresAt: z.coerce.date().nullable().default(null),
  })
  .strict();

export const DncListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^\+[1-9]\d{7,14}$/, 'must be a cursor returned by a previous page')
      .optional(),
  })
  .strict();

/** Normalizations shared by every check on this replica (see PhoneNormalizationCache). */
const NORMALIZED = new PhoneNormalizationCache();

export interface DncEntryView extends DncListEntry {
  scope: 'tenant' | 'operator';
  createdAt: Date;
}

function toView(row: DncEntry | OperatorDncEntry, scope: 'tenant' | 'operator'): DncEntryView {
  return {
    scope,
    e164: row.e164,
    reason: row.reason,
    source: row.source,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class DncService {
  private readonly normalized = NORMALIZED;

  constructor(
    private readonly database: CrmDatabase,
    private readonly settings: SettingsRepository,
    private readonly settingsCache: TenantSettingsCache,
    private readonly clock: Clock,
  ) {}

  /**
   * One verdict per number, in order; numbers in any form (the tenant's default country applies).
   * One round trip for the whole batch on the pg pool: campaign asks for thousands of numbers at once.
   */
  async check(numbers: readonly string[], defaultCountry?: string): Promise<DncVerdict[]> {
    if (numbers.length > MAX_DNC_BATCH) {
      throw AppError.invalid([
        { field: 'phoneNumbers', rule: 'too_big', message: `at most ${MAX_DNC_BATCH} numbers per request` },
      ]);
    }
    const settings =
      this.settingsCache.peek(TenantContext.require()) ??
      (await this.database.tenantRead((client, tenantId) => this.settingsCache.get(client, tenantId)));
    const country = defaultCountry || settings.defaultCountry || undefined;
    // Each number parsed once (E.164 and plain national forms without libphonenumber, see
    // parsePhoneNumber), then one round trip: dnc_hits() matches both lists with `= ANY` on their
    // unique e164 indexes.
    const parsed = numbers.map((raw) => this.normalized.e164(raw, country));
    const e164s = [...new Set(parsed.filter((p): p is string => p !== null))];
    const tenantList = new Map<string, DncListEntry>();
    const operatorList = new Map<string, DncListEntry>();
    if (e164s.length > 0) {
      const rows = await this.database.tenantFunction<{
        hit_e164: string;
        hit_scope: 'tenant' | 'operator';
        hit_reason: string;
        hit_source: string;
        hit_expires_at: Date | null;
      }>('dnc_hits', [e164s]);
      for (const row of rows) {
        const entry = {
          e164: row.hit_e164,
          reason: row.hit_reason,
          source: row.hit_source,
          expiresAt: row.hit_expires_at,
        };
        (row.hit_scope === 'tenant' ? tenantList : operatorList).set(row.hit_e164, entry);
      }
    }
    const now = this.clock.now();
    return numbers.map((input, i) => {
      const e164 = parsed[i] ?? null;
      return decideDnc(
        input,
        e164,
        {
          tenant: e164 ? tenantList.get(e164) : undefined,
          operator: e164 ? operatorList.get(e164) : undefined,
        },
        now,
      );
    });
  }

  /** Adds (or replaces) a number on the tenant's list. */
  async add(body: unknown): Promise<DncEntryView> {
    const input = parseOrThrow(DncEntryInputSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const e164 = this.normalize(input.phoneNumber, settings.defaultCountry, 'body.phoneNumber');
      const data = { reason: input.reason, source: input.source, expiresAt: input.expiresAt };
      const row = await tx.dncEntry.upsert({
        where: { tenantId_e164: { tenantId, e164 } },
        create: { id: newId('dnc'), tenantId, e164, ...data },
        update: data,
      });
      return toView(row, 'tenant');
    });
  }

  async list(query: unknown): Promise<{ items: DncEntryView[]; nextCursor: string | null }> {
    const q = parseOrThrow(DncListQuerySchema, query, 'query');
    return this.database.tenant(async (tx, tenantId) => {
      const rows = await tx.dncEntry.findMany({
        where: { tenantId, ...(q.cursor ? { e164: { gt: q.cursor } } : {}) },
        orderBy: { e164: 'asc' },
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map((r) => toView(r, 'tenant')),
        nextCursor: rows.length > q.limit ? (page[page.length - 1]?.e164 ?? null) : null,
      };
    });
  }

  async get(phoneNumber: string): Promise<DncEntryView> {
    return this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const e164 = this.normalize(phoneNumber, settings.defaultCountry, 'phoneNumber');
      const row = await tx.dncEntry.findUnique({ where: { tenantId_e164: { tenantId, e164 } } });
      if (!row) throw AppError.notFound('do-not-call entry', e164);
      return toView(row, 'tenant');
    });
  }

  async remove(phoneNumber: string): Promise<void> {
    await this.database.tenant(async (tx, tenantId) => {
      const settings = await this.settings.get(tx, tenantId);
      const e164 = this.normalize(phoneNumber, settings.defaultCountry, 'phoneNumber');
      const { count } = await tx.dncEntry.deleteMany({ where: { tenantId, e164 } });
      if (count === 0) throw AppError.notFound('do-not-call entry', e164);
    });
  }

  /** The operator's list (operator-wide; not reachable from a tenant's API). */
  async addOperatorEntry(body: unknown): Promise<DncEntryView> {
    const input = parseOrThrow(DncEntryInputSchema, body, 'body');
    const e164 = this.normalize(input.phoneNumber, null, 'body.phoneNumber');
    const data = { reason: input.reason, source: input.source, expiresAt: input.expiresAt };
    const row = await this.database.operator((tx) =>
      tx.operatorDncEntry.upsert({ where: { e164 }, create: { e164, ...data }, update: data }),
    );
    return toView(row, 'operator');
  }

  async removeOperatorEntry(phoneNumber: string): Promise<void> {
    const e164 = this.normalize(phoneNumber, null, 'phoneNumber');
    const { count } = await this.database.operator((tx) =>
      tx.operatorDncEntry.deleteMany({ where: { e164 } }),
    );
    if (count === 0) throw AppError.notFound('do-not-call entry', e164);
  }

  private normalize(raw: string, defaultCountry: string | null, field: string): string {
    const parsed = parsePhoneNumber(raw, defaultCountry ?? undefined);
    if (!parsed.ok) {
      throw AppError.invalid([
        { field, rule: `phone_${parsed.reason}`, message: PHONE_REASON_MESSAGES[parsed.reason] },
      ]);
    }
    return parsed.number.e164;
  }
}
