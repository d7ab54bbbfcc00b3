import { QaV1, toTimestamp } from '@cc/contracts';
import type { CheckOutcome, CheckResult } from '../auto-checks/auto-check.model';
import type { EvaluationStatus } from '../evaluations/evaluation-lifecycle.util';
import type { EvaluationRecord } from '../evaluations/evaluation.model';
import type { AgentScoreView } from '../scores/scores.service';
import type { WorkItemRecord, WorkItemStatus } from '../work-items/work-items.repository';

const WORK_ITEM_STATUS: Record<WorkItemStatus, QaV1.WorkItemStatus> = {
  open: QaV1.WorkItemStatus.WORK_ITEM_STATUS_OPEN,
  in_progress: QaV1.WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS,
  done: QaV1.WorkItemStatus.WORK_ITEM_STATUS_DONE,
};

const EVALUATION_STATUS: Record<EvaluationStatus, QaV1.EvaluationStatus> = {
  draft: QaV1.EvaluationStatus.EVALUATION_STATUS_DRAFT,
  submitted: QaV1.EvaluationStatus.EVALUATION_STATUS_SUBMITTED,
  acknowledged: QaV1.EvaluationStatus.EVALUATION_STATUS_ACKNOWLEDGED,
  disputed: QaV1.EvaluationStatus.EVALUATION_STATUS_DISPUTED,
  resolved: QaV1.EvaluationStatus.EVALUATION_STATUS_RESOLVED,
};

const CHECK_OUTCOME: Record<CheckOutcome, QaV1.CheckOutcome> = {
  pass: QaV1.CheckOutcome.CHECK_OUTCOME_PASS,
  fail: QaV1.CheckOutcome.CHECK_OUTCOME_FAIL,
  na: QaV1.CheckOutcome.CHECK_OUTCOME_NOT_APPLICABLE,
  pending: QaV1.CheckOutcome.CHECK_OUTCOME_PENDING,
};

/** The proto status filter; undefined for UNSPECIFIED (open and in progress). */
export function workItemStatusFromProto(status: QaV1.WorkItemStatus): WorkItemStatus | undefined {
  const found = (Object.entries(WORK_ITEM_STATUS) as [WorkItemStatus, QaV1.WorkItemStatus][]).find(
    ([, value]) => value === status,
  );
  return found?.[0];
}

export function workItemToProto(w: WorkItemRecord): QaV1.WorkItem {
  return {
    workItemId: w.id,
    callId: w.callId,
    agentId: w.agentId,
    analystId: w.analystId ?? '',
    reasons: w.reasons,
    status: WORK_ITEM_STATUS[w.status],
    evaluationId: w.evaluationId ?? '',
    createdAt: toTimestamp(w.createdAt),
  };
}

export function agentScoreToProto(s: AgentScoreView): QaV1.AgentScore {
  return {
    agentId: s.agentId,
    hasScore: s.score !== null,
    score: s.score ?? 0,
    evaluationCount: s.evaluations,
    criticalFailCount: s.criticalFails,
    teamId: s.teamId ?? '',
    ...(s.updatedAt ? { updatedAt: toTimestamp(new Date(s.updatedAt)) } : {}),
  };
}

export function evaluationToProto(e: EvaluationRecord): QaV1.Evaluation {
  return {
    evaluationId: e.id,
    callId: e.callId,
    agentId: e.agentId,
    analystId: e.analystId,
    scorecardId: e.scorecardId,
    scorecardVersion: e.scorecardVersion,
    status: EVALUATION_STATUS[e.status],
    hasScore: e.score !== null,
    score: e.score ?? 0,
    maxScore: e.result?.maxScore ?? 0,
    percent: e.percent ?? 0,
    criticalFailed: e.criticalFailed,
    answers: Object.entries(e.answers).map(([questionId, value]) => ({ questionId, value: String(value) })),
    comments: e.comments.map((c) => ({
      commentId: c.id,
      authorId: c.authorId,
      offsetMs: c.offsetMs ?? -1,
      text: c.text,
      createdAt: toTimestamp(c.createdAt),
    })),
    recordingId: e.recordingId ?? '',
    ...(e.submittedAt ? { submittedAt: toTimestamp(e.submittedAt) } : {}),
    calibration: e.kind === 'calibration',
  };
}

export function checkToProto(c: CheckResult): QaV1.CheckResult {
  return { check: c.check, outcome: CHECK_OUTCOME[c.outcome] };
}
