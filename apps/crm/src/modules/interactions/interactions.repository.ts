import { Injectable } from '@nestjs/common';
import type { Interaction } from '../../generated/prisma/client';
import type { CrmTx } from '../../infrastructure/crm-database';
import type { CallDirection, InteractionChannel, InteractionRecord } from './interaction.model';

export function toInteractionRecord(row: Interaction): InteractionRecord {
  return {
    id: row.id,
    eventId: row.eventId,
    customerId: row.customerId,
    phoneE164: row.phoneE164,
    channel: row.channel as InteractionChannel,
    direction: row.direction as CallDirection | null,
    callId: row.callId,
    queueId: row.queueId,
    agentId: row.agentId,
    campaignId: row.campaignId,
    waitMs: row.waitMs,
    talkMs: row.talkMs,
    holdMs: row.holdMs,
    disposition: row.disposition,
    recordingRef: row.recordingRef,
    notes: row.notes,
    occurredAt: row.occurredAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
  };
}

@Injectable()
export class InteractionsRepository {
  /** Inserts unless the tenant already has this event id; returns whether it inserted. */
  async insertOnce(tx: CrmTx, tenantId: string, row: Omit<InteractionRecord, never>): Promise<boolean> {
    const { count } = await tx.interaction.createMany({ data: [{ ...row, tenantId }], skipDuplicates: true });
    return count === 1;
  }

  async findByEventId(tx: CrmTx, tenantId: string, eventId: string): Promise<InteractionRecord | undefined> {
    const row = await tx.interaction.findUnique({ where: { tenantId_eventId: { tenantId, eventId } } });
    return row ? toInteractionRecord(row) : undefined;
  }

  async recentForCustomer(
    tx: CrmTx,
    tenantId: string,
    customerId: string,
    limit: number,
    before?: Date,
  ): Promise<InteractionRecord[]> {
    const rows = await tx.interaction.findMany({
      where: { tenantId, customerId, ...(before ? { occurredAt: { lt: before } } : {}) },
      orderBy: { occurredAt: 'desc' },
      take: limit,
    });
    return rows.map(toInteractionRecord);
  }
}
