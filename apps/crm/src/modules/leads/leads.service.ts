import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind, parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import type { Lead } from '../../generated/prisma/client';
import { CrmDatabase, type CrmTx } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { canMove, LEAD_STATUSES, type LeadStatus } from './lead-pipeline.util';

export interface LeadRecord {
  id: string;
  customerId: string;
  source: string;
  product: string;
  score: number;
  status: LeadStatus;
  ownerId: string | null;
  nextAction: string | null;
  nextActionAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const Score = z.number().int().min(0).max(100);

export const CreateLeadSchema = z
  .object({
    source: z.string().trim().min(1).max(64),
    product: z.string().trim().min(1).max(128),
    score: Score.default(0),
    status: z.enum(LEAD_STATUSES).default('new'),
    ownerId: z.string().min(1).max(128).optional(),
    nextAction: z.string().trim().min(1).max(500).optional(),
    nextActionAt: z.coerce.date().optional(),
  })
  .strict();

export const UpdateLeadSchema = z
  .object({
    score: Score.optional(),
    status: z.enum(LEAD_STATUSES).optional(),
    ownerId: z.string().min(1).max(128).nullable().optional(),
    nextAction: z.string().trim().min(1).max(500).nullable().optional(),
    nextActionAt: z.coerce.date().nullable().optional(),
    version: z.number().int().positive().optional(),
  })
  .strict();

export function toLeadRecord(row: Lead): LeadRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    source: row.source,
    product: row.product,
    score: row.score,
    status: row.status as LeadStatus,
    ownerId: row.ownerId,
    nextAction: row.nextAction,
    nextActionAt: row.nextActionAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class LeadsService {
  constructor(private readonly database: CrmDatabase) {}

  async create(customerId: string, body: unknown): Promise<LeadRecord> {
    const input = parseOrThrow(CreateLeadSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      await this.requireCustomer(tx, tenantId, customerId);
      const row = await tx.lead.create({
        data: {
          id: newId('lead'),
          tenantId,
          customerId,
          source: input.source,
          product: input.product,
          score: input.score,
          status: input.status,
          ownerId: input.ownerId ?? null,
          nextAction: input.nextAction ?? null,
          nextActionAt: input.nextActionAt ?? null,
        },
      });
      return toLeadRecord(row);
    });
  }

  async listForCustomer(customerId: string): Promise<LeadRecord[]> {
    return this.database.tenant(async (tx, tenantId) => {
      await this.requireCustomer(tx, tenantId, customerId);
      const rows = await tx.lead.findMany({
        where: { tenantId, customerId },
        orderBy: { createdAt: 'desc' },
      });
      return rows.map(toLeadRecord);
    });
  }

  async update(leadId: string, body: unknown): Promise<LeadRecord> {
    const input = parseOrThrow(UpdateLeadSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const row = await tx.lead.findFirst({ where: { id: leadId, tenantId } });
      if (!row) throw AppError.notFound('lead', leadId);
      if (input.version !== undefined && input.version !== row.version) {
        throw new AppError(ErrorKind.Conflict, `lead ${leadId} is at version ${row.version}`, {
          code: 'crm.version_conflict',
          violations: [
            { field: 'body.version', rule: 'stale', message: `is ${row.version} now; reload and retry` },
          ],
        });
      }
      const from = row.status as LeadStatus;
      if (input.status !== undefined && !canMove(from, input.status)) {
        throw AppError.invalid([
          { field: 'body.status', rule: 'pipeline', message: `a ${from} lead cannot become ${input.status}` },
        ]);
      }
      const { count } = await tx.lead.updateMany({
        where: { id: leadId, tenantId, version: row.version },
        data: {
          ...(input.score === undefined ? {} : { score: input.score }),
          ...(input.status === undefined ? {} : { status: input.status }),
          ...(input.ownerId === undefined ? {} : { ownerId: input.ownerId }),
          ...(input.nextAction === undefined ? {} : { nextAction: input.nextAction }),
          ...(input.nextActionAt === undefined ? {} : { nextActionAt: input.nextActionAt }),
          version: { increment: 1 },
        },
      });
      if (count === 0)
        throw new AppError(ErrorKind.Conflict, `lead ${leadId} changed meanwhile`, {
          code: 'crm.version_conflict',
        });
      return toLeadRecord((await tx.lead.findFirst({ where: { id: leadId, tenantId } }))!);
    });
  }

  private async requireCustomer(tx: CrmTx, tenantId: string, customerId: string): Promise<void> {
    const found = await tx.customer.findFirst({ where: { id: customerId, tenantId }, select: { id: true } });
    if (!found) throw AppError.notFound('customer', customerId);
  }
}
