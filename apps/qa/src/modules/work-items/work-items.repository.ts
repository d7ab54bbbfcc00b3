import { Injectable } from '@nestjs/common';
import type { WorkItem } from '../../generated/prisma/client';
import type { QaTx } from '../../infrastructure/qa-database';
import type { SamplingReason, StratumCounter } from '../sampling/sampling.util';

export type WorkItemStatus = 'open' | 'in_progress' | 'done';
export const OPEN_STATUSES: WorkItemStatus[] = ['open', 'in_progress'];

export interface WorkItemRecord {
  id: string;
  callId: string;
  agentId: string;
  analystId: string | null;
  reasons: SamplingReason[];
  status: WorkItemStatus;
  evaluationId: string | null;
  createdAt: Date;
}

const toRecord = (row: WorkItem): WorkItemRecord => ({
  id: row.id,
  callId: row.callId,
  agentId: row.agentId,
  analystId: row.analystId,
  reasons: row.reasons as SamplingReason[],
  status: row.status as WorkItemStatus,
  evaluationId: row.evaluationId,
  createdAt: row.createdAt,
});

/** Work items, strata counters and agents' first calls: what sampling reads and writes. */
@Injectable()
export class WorkItemsRepository {
  /** The agent's first call, moved earlier when this one is earlier (facts may arrive late). */
  async touchAgent(tx: QaTx, tenantId: string, agentId: string, callEndedAt: Date): Promise<Date> {
    const rows = await tx.$queryRaw<{ first_call_at: Date }[]>`
      INSERT INTO agent (tenant_id, agent_id, first_call_at) VALUES (${tenantId}, ${agentId}, ${callEndedAt})
      ON CONFLICT (tenant_id, agent_id) DO UPDATE
        SET first_call_at = LEAST(COALESCE(agent.first_call_at, EXCLUDED.first_call_at), EXCLUDED.first_call_at)
      RETURNING first_call_at`;
    return rows[0]!.first_call_at;
  }

  /**
   * Counts one more call in the stratum and returns the counter as it was before it, in one
   * statement; the row stays locked until the transaction ends, so replicas count one call at a time.
   */
  async countStratumCall(tx: QaTx, tenantId: string, agentId: string, week: string): Promise<StratumCounter> {
    const rows = await tx.$queryRaw<{ seen: number; picked: number }[]>`
      INSERT INTO sampling_stratum (tenant_id, agent_id, week, seen, picked) VALUES (${tenantId}, ${agentId}, ${week}, 1, 0)
      ON CONFLICT (tenant_id, agent_id, week) DO UPDATE SET seen = sampling_stratum.seen + 1
      RETURNING seen, picked`;
    return { seen: rows[0]!.seen - 1, picked: rows[0]!.picked };
  }

  async countStratumPick(tx: QaTx, tenantId: string, agentId: string, week: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE sampling_stratum SET picked = picked + 1
       WHERE tenant_id = ${tenantId} AND agent_id = ${agentId} AND week = ${week}`;
  }

  /** Open items per analyst (analysts without any are missing). */
  async openCounts(tx: QaTx, tenantId: string, analystIds: readonly string[]): Promise<Map<string, number>> {
    if (analystIds.length === 0) return new Map();
    const rows = await tx.workItem.groupBy({
      by: ['analystId'],
      where: { tenantId, analystId: { in: [...analystIds] }, status: { in: OPEN_STATUSES } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.analystId ?? '', r._count._all]));
  }

  async findByCall(tx: QaTx, tenantId: string, callId: string): Promise<WorkItemRecord | undefined> {
    const row = await tx.workItem.findUnique({ where: { tenantId_callId: { tenantId, callId } } });
    return row ? toRecord(row) : undefined;
  }

  async get(tx: QaTx, tenantId: string, id: string): Promise<WorkItemRecord | undefined> {
    const row = await tx.workItem.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : undefined;
  }

  async insert(tx: QaTx, tenantId: string, item: WorkItemRecord): Promise<void> {
    await tx.workItem.create({
      data: {
        id: item.id,
        tenantId,
        callId: item.callId,
        agentId: item.agentId,
        analystId: item.analystId,
        reasons: item.reasons,
        status: item.status,
        evaluationId: item.evaluationId,
        createdAt: item.createdAt,
      },
    });
  }

  async setReasons(tx: QaTx, tenantId: string, id: string, reasons: SamplingReason[]): Promise<void> {
    await tx.workItem.updateMany({ where: { tenantId, id }, data: { reasons } });
  }

  /** Links an evaluation to an item nobody took yet; false when someone did. */
  async linkEvaluation(tx: QaTx, tenantId: string, id: string, evaluationId: string): Promise<boolean> {
    const { count } = await tx.workItem.updateMany({
      where: { tenantId, id, evaluationId: null },
      data: { status: 'in_progress', evaluationId },
    });
    return count === 1;
  }

  async setStatus(
    tx: QaTx,
    tenantId: string,
    id: string,
    status: WorkItemStatus,
    evaluationId?: string,
  ): Promise<void> {
    await tx.workItem.updateMany({
      where: { tenantId, id },
      data: { status, ...(evaluationId ? { evaluationId } : {}) },
    });
  }

  async list(
    tx: QaTx,
    tenantId: string,
    query: { analystId?: string; statuses: WorkItemStatus[]; limit: number; cursor?: string },
  ): Promise<WorkItemRecord[]> {
    const rows = await tx.workItem.findMany({
      where: {
        tenantId,
        status: { in: query.statuses },
        ...(query.analystId ? { analystId: query.analystId } : {}),
        ...(query.cursor ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit,
    });
    return rows.map(toRecord);
  }
}
