import type { EvaluationRecord } from './evaluation.model';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An evaluation as the API shows it; the recording by id only (the gateway hands out signed URLs). */
export function evaluationView(e: EvaluationRecord) {
  return {
    id: e.id,
    callId: e.callId,
    agentId: e.agentId,
    analystId: e.analystId,
    scorecard: { id: e.scorecardId, version: e.scorecardVersion },
    kind: e.kind,
    calibrationId: e.calibrationId,
    workItemId: e.workItemId,
    status: e.status,
    answers: e.answers,
    score: e.score,
    maxScore: e.result?.maxScore ?? null,
    percent: e.percent,
    passed: e.result?.passed ?? null,
    criticalFailed: e.criticalFailed,
    criticalFailures: e.result?.criticalFailures ?? [],
    sections: e.result?.sections ?? [],
    recording: e.recordingId ? { recordingId: e.recordingId } : null,
    dispute: e.disputeReason ? { reason: e.disputeReason, at: iso(e.disputedAt) } : null,
    resolution: e.resolvedAt ? { by: e.resolvedBy, note: e.resolutionNote, at: iso(e.resolvedAt) } : null,
    submittedAt: iso(e.submittedAt),
    acknowledgedAt: iso(e.acknowledgedAt),
    createdAt: e.createdAt.toISOString(),
    version: e.version,
    comments: e.comments.map((c) => ({
      id: c.id,
      authorId: c.authorId,
      offsetMs: c.offsetMs,
      text: c.text,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}
