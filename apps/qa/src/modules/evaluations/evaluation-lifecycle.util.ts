/**
 * An evaluation's life: an analyst drafts it (answers may change), submits it (scored, counted in
 * the agent's score), and the agent acknowledges it or disputes it; a dispute is resolved by
 * someone other than the agent, possibly with corrected answers. Calibration evaluations end at
 * submission: they measure analysts, not the agent.
 */
export const EVALUATION_STATUSES = ['draft', 'submitted', 'acknowledged', 'disputed', 'resolved'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export type EvaluationKind = 'standard' | 'calibration';

export type EvaluationAction = 'answer' | 'submit' | 'acknowledge' | 'dispute' | 'resolve' | 'comment';

export interface LifecycleSubject {
  status: EvaluationStatus;
  kind: EvaluationKind;
  analystId: string;
  agentId: string;
}

export type Transition = { ok: true; status: EvaluationStatus } | { ok: false; code: string; reason: string };

const refuse = (code: string, reason: string): Transition => ({ ok: false, code, reason });

/** What `action` by `actorId` does to an evaluation: its next status, or why it is refused. Pure. */
export function transition(
  evaluation: LifecycleSubject,
  action: EvaluationAction,
  actorId: string,
): Transition {
  const { status } = evaluation;
  switch (action) {
    case 'answer':
    case 'submit':
      if (status !== 'draft')
        return refuse('qa.evaluation_not_draft', `the evaluation is ${status}, answers are final`);
      if (actorId !== evaluation.analystId) {
        return refuse(
          'qa.not_the_analyst',
          `only the analyst ${evaluation.analystId} may ${action} this evaluation`,
        );
      }
      return { ok: true, status: action === 'submit' ? 'submitted' : 'draft' };
    case 'acknowledge':
    case 'dispute':
      if (evaluation.kind === 'calibration') {
        return refuse('qa.calibration_evaluation', 'a calibration evaluation is not shown to the agent');
      }
      if (status !== 'submitted') {
        return refuse(
          'qa.evaluation_not_submitted',
          `the evaluation is ${status}; only a submitted one can be ${action}d`,
        );
      }
      if (actorId !== evaluation.agentId) {
        return refuse('qa.not_the_agent', `only the evaluated agent ${evaluation.agentId} may ${action} it`);
      }
      return { ok: true, status: action === 'acknowledge' ? 'acknowledged' : 'disputed' };
    case 'resolve':
      if (status !== 'disputed')
        return refuse('qa.evaluation_not_disputed', `the evaluation is ${status}, not disputed`);
      if (actorId === evaluation.agentId) {
        return refuse('qa.agent_cannot_resolve', 'the agent who disputed cannot resolve the dispute');
      }
      return { ok: true, status: 'resolved' };
    case 'comment':
      if (status === 'resolved' || status === 'acknowledged') {
        return refuse('qa.evaluation_closed', `the evaluation is ${status}; comments are closed`);
      }
      return { ok: true, status };
  }
}

/** Whether an evaluation in this status counts in the agent's scores. */
export function countsInScores(kind: EvaluationKind, status: EvaluationStatus): boolean {
  return kind === 'standard' && status !== 'draft';
}
