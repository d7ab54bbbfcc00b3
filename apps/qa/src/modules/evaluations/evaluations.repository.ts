import { Injectable } from '@nestjs/common';
import type { Evaluation, EvaluationComment, Prisma } from '../../generated/prisma/client';
import type { QaTx } from '../../infrastructure/qa-database';
import type { Answers } from '../scorecards/scorecard.model';
import type { ScoreResult } from '../scoring/scoring.util';
import type { EvaluationKind, EvaluationStatus } from './evaluation-lifecycle.util';
import type { CommentRecord, EvaluationRecord } from './evaluation.model';

const toComment = (c: EvaluationComment): CommentRecord => ({
  id: c.id,
  authorId: c.authorId,
  offsetMs: c.offsetMs,
  text: c.text,
  createdAt: c.createdAt,
});

export function toEvaluationRecord(row: Evaluation & { comments?: EvaluationComment[] }): EvaluationRecord {
  return {
    id: row.id,
    callId: row.callId,
    agentId: row.agentId,
    analystId: row.analystId,
    scorecardId: row.scorecardId,
    scorecardVersion: row.scorecardVersion,
    kind: row.kind as EvaluationKind,
    calibrationId: row.calibrationId,
    workItemId: row.workItemId,
    status: row.status as EvaluationStatus,
    answers: row.answers as Answers,
    result: row.result as ScoreResult | null,
    score: row.score,
    percent: row.percent,
    criticalFailed: row.criticalFailed,
    recordingId: row.recordingId,
    disputeReason: row.disputeReason,
    resolutionNote: row.resolutionNote,
    resolvedBy: row.resolvedBy,
    submittedAt: row.submittedAt,
    acknowledgedAt: row.acknowledgedAt,
    disputedAt: row.disputedAt,
    resolvedAt: row.resolvedAt,
    version: row.version,
    createdAt: row.createdAt,
    comments: (row.comments ?? []).map(toComment),
  };
}

/** The columns a lifecycle step may change. */
export type EvaluationChange = Partial<
  Pick<
    EvaluationRecord,
    | 'status'
    | 'answers'
    | 'result'
    | 'score'
    | 'percent'
    | 'criticalFailed'
    | 'disputeReason'
    | 'resolutionNote'
    | 'resolvedBy'
    | 'submittedAt'
    | 'acknowledgedAt'
    | 'disputedAt'
    | 'resolvedAt'
  >
>;

@Injectable()
export class EvaluationsRepository {
  async insert(tx: QaTx, tenantId: string, e: Omit<EvaluationRecord, 'comments'>): Promise<void> {
    await tx.evaluation.create({
      data: {
        ...e,
        tenantId,
        answers: e.answers,
        result: e.result === null ? undefined : (e.result as unknown as Prisma.InputJsonValue),
      },
    });
  }

  async get(tx: QaTx, tenantId: string, id: string): Promise<EvaluationRecord | undefined> {
    const row = await tx.evaluation.findFirst({
      where: { tenantId, id },
      include: { comments: { orderBy: [{ offsetMs: 'asc' }, { createdAt: 'asc' }] } },
    });
    return row ? toEvaluationRecord(row) : undefined;
  }

  /**
   * Applies a change only when the evaluation is still at `expectedVersion`: two concurrent steps
   * (a submit and an edit) cannot both win. Returns whether it applied.
   */
  async update(
    tx: QaTx,
    tenantId: string,
    id: string,
    expectedVersion: number,
    change: EvaluationChange,
  ): Promise<boolean> {
    const { result, answers, ...rest } = change;
    const { count } = await tx.evaluation.updateMany({
      where: { tenantId, id, version: expectedVersion },
      data: {
        ...rest,
        ...(answers !== undefined ? { answers } : {}),
        ...(result !== undefined
          ? { result: result === null ? undefined : (result as unknown as Prisma.InputJsonValue) }
          : {}),
        version: { increment: 1 },
      },
    });
    return count === 1;
  }

  async addComment(tx: QaTx, tenantId: string, evaluationId: string, c: CommentRecord): Promise<void> {
    await tx.evaluationComment.create({ data: { ...c, tenantId, evaluationId } });
  }

  async list(
    tx: QaTx,
    tenantId: string,
    q: {
      agentId?: string;
      analystId?: string;
      callId?: string;
      status?: string;
      limit: number;
      cursor?: string;
    },
  ): Promise<EvaluationRecord[]> {
    const rows = await tx.evaluation.findMany({
      where: {
        tenantId,
        ...(q.agentId ? { agentId: q.agentId } : {}),
        ...(q.analystId ? { analystId: q.analystId } : {}),
        ...(q.callId ? { callId: q.callId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { id: { gt: q.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit,
    });
    return rows.map((r) => toEvaluationRecord(r));
  }

  async byCalibration(tx: QaTx, tenantId: string, calibrationId: string): Promise<EvaluationRecord[]> {
    const rows = await tx.evaluation.findMany({
      where: { tenantId, calibrationId },
      orderBy: { analystId: 'asc' },
    });
    return rows.map((r) => toEvaluationRecord(r));
  }

  /** The evaluations that count in an agent's score (standard, submitted or later) since `from`. */
  async countedSince(
    tx: QaTx,
    tenantId: string,
    agentIds: readonly string[],
    from: Date,
    to?: Date,
  ): Promise<{ agentId: string; percent: number; criticalFailed: boolean; submittedAt: Date }[]> {
    const rows = await tx.evaluation.findMany({
      where: {
        tenantId,
        agentId: { in: [...agentIds] },
        kind: 'standard',
        status: { not: 'draft' },
        percent: { not: null },
        submittedAt: { gt: from, ...(to ? { lte: to } : {}) },
      },
      select: { agentId: true, percent: true, criticalFailed: true, submittedAt: true },
      orderBy: { submittedAt: 'asc' },
    });
    return rows.map((r) => ({
      agentId: r.agentId,
      percent: r.percent!,
      criticalFailed: r.criticalFailed,
      submittedAt: r.submittedAt!,
    }));
  }
}
