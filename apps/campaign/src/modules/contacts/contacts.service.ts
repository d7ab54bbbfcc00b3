import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind, parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import type { Contact } from '../../generated/prisma/client';
import { CampaignDatabase } from '../../infrastructure/campaign-database';
import { newId } from '../../infrastructure/id.util';
import { parseContactCsv } from './contact-csv.util';

const ImportQuerySchema = z
  .object({
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country')
      .optional(),
  })
  .strict();

const ListContactsSchema = z
  .object({
    state: z.enum(['pending', 'dialing', 'done', 'exhausted', 'blocked']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(64).optional(),
  })
  .strict();

@Injectable()
export class ContactsService {
  constructor(private readonly database: CampaignDatabase) {}

  /**
   * Imports a CSV contact list into a campaign, all or nothing: a bad row fails the whole import with
   * 400 naming `lines.<n>.<column>`; numbers already in the campaign are skipped (reported).
   */
  async importCsv(
    campaignId: string,
    csv: string,
    query: unknown,
  ): Promise<{ imported: number; skipped: number }> {
    const q = parseOrThrow(ImportQuerySchema, query, 'query');
    const { rows, errors } = parseContactCsv(csv, q.defaultCountry);
    if (errors.length > 0)
      throw AppError.invalid(
        errors,
        `the contact list has ${errors.length} problem(s); nothing was imported`,
      );
    return this.database.tenant(async (tx, tenantId) => {
      const campaign = await tx.campaign.findFirst({ where: { id: campaignId } });
      if (!campaign) throw AppError.notFound('campaign', campaignId);
      if (campaign.state === 'stopped') {
        throw new AppError(ErrorKind.Conflict, `campaign ${campaignId} is stopped`, {
          code: 'campaign.stopped',
        });
      }
      const result = await tx.contact.createMany({
        data: rows.map((r) => ({
          id: newId('cct'),
          tenantId,
          campaignId,
          phone: r.phone,
          name: r.name ?? null,
          customerId: r.customerId ?? null,
          timeZone: r.timeZone ?? null,
          leadScore: r.leadScore ?? null,
          valueTier: r.valueTier ?? null,
          dueAt: r.dueAt ?? null,
          cadenceDate: r.cadenceDate ?? null,
        })),
        skipDuplicates: true,
      });
      return { imported: result.count, skipped: rows.length - result.count };
    });
  }

  async list(campaignId: string, query: unknown): Promise<{ items: Contact[]; nextCursor: string | null }> {
    const q = parseOrThrow(ListContactsSchema, query, 'query');
    return this.database.tenant(async (tx) => {
      const campaign = await tx.campaign.findFirst({ where: { id: campaignId }, select: { id: true } });
      if (!campaign) throw AppError.notFound('campaign', campaignId);
      const items = await tx.contact.findMany({
        where: {
          campaignId,
          ...(q.state ? { state: q.state } : {}),
          ...(q.cursor ? { id: { gt: q.cursor } } : {}),
        },
        orderBy: { id: 'asc' },
        take: q.limit + 1,
      });
      const more = items.length > q.limit;
      const page = more ? items.slice(0, q.limit) : items;
      return { items: page, nextCursor: more ? page[page.length - 1]!.id : null };
    });
  }
}
