import { Injectable } from '@nestjs/common';
import type { FieldViolation } from '@cc/contracts';
import { AppError, ErrorKind, parseOrThrow } from '@cc/platform';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';
import { QaDatabase, type QaTx } from '../../infrastructure/qa-database';
import { QaMetrics } from '../../infrastructure/qa-metrics';
import type { CheckResult } from '../auto-checks/auto-check.model';
import { autoAnswer } from '../auto-checks/auto-checks.util';
import { CallsRepository, type CallRow } from '../calls/calls.repository';
import {
  type Answers,
  type AnswerValue,
  questionsOf,
  type ScorecardVersion,
} from '../scorecards/scorecard.model';
import { ScorecardsService } from '../scorecards/scorecards.service';
import { applicableQuestions, checkAnswers, scoreEvaluation } from '../scoring/scoring.util';
import { ScoresService } from '../scores/scores.service';
import { QaSettingsRepository } from '../settings/qa-settings.repository';
import { WorkItemsRepository } from '../work-items/work-items.repository';
import { type EvaluationAction, type EvaluationKind, transition } from './evaluation-lifecycle.util';
import {
  ActorSchema,
  AnswerEvaluationSchema,
  CommentSchema,
  CreateEvaluationSchema,
  DisputeSchema,
  type EvaluationRecord,
  ListEvaluationsSchema,
  ResolveSchema,
} from './evaluation.model';
import { type EvaluationChange, EvaluationsRepository } from './evaluations.repository';

/** The answers automatic checks give to a form's auto-scored questions, from the call's checks. */
export function automaticAnswers(scorecard: ScorecardVersion, call: CallRow): Answers {
  const checks = new Map(((call.checks as CheckResult[] | null) ?? []).map((c) => [c.check, c.outcome]));
  const answers: Answers = {};
  for (const { question } of questionsOf(scorecard.definition)) {
    if (question.type === 'yes_no' && question.autoCheck) {
      answers[question.id] = autoAnswer(checks.get(question.autoCheck) ?? 'na');
    }
  }
  return answers;
}

/**
 * The problems of an analyst's change to a draft's answers (null removes one): unknown questions,
 * automatic questions, impossible values. Whether a conditional question is asked is decided at
 * submission, when every answer is known.
 */
export function answerChangeViolations(
  scorecard: ScorecardVersion,
  changes: Record<string, AnswerValue | null>,
): FieldViolation[] {
  const known = new Set(questionsOf(scorecard.definition).map(({ question }) => question.id));
  const removed: FieldViolation[] = Object.entries(changes)
    .filter(([id, value]) => value === null && !known.has(id))
    .map(([id]) => ({
      field: `body.answers.${id}`,
      rule: 'unknown_question',
      message: `the scorecard has no question ${id}`,
    }));
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null)) as Answers;
  const autoRemoved = questionsOf(scorecard.definition)
    .filter(
      ({ question }) => question.type === 'yes_no' && question.autoCheck && changes[question.id] === null,
    )
    .map(({ question }) => ({
      field: `body.answers.${question.id}`,
      rule: 'auto_scored',
      message: 'answered by an automatic check, not by hand',
    }));
  const invalid = checkAnswers(scorecard.definition, set, {
    requireComplete: false,
    rejectAutoChecks: true,
    fieldPrefix: 'body.answers',
  }).filter((v) => v.rule !== 'not_applicable');
  return [...invalid, ...removed, ...autoRemoved];
}

/** Keeps only the answers of questions the answers themselves ask (drops stale follow-ups). */
function askedOnly(scorecard: ScorecardVersion, answers: Answers): Answers {
  const asked = applicableQuestions(scorecard.definition, answers);
  return Object.fromEntries(Object.entries(answers).filter(([id]) => asked.has(id)));
}

/** Applies changes (null removes) to answers. */
function merge(answers: Answers, changes: Record<string, AnswerValue | null>): Answers {
  const next: Answers = { ...answers };
  for (const [id, value] of Object.entries(changes)) {
    if (value === null) delete next[id];
    else next[id] = value;
  }
  return next;
}

/**
 * Evaluations of calls: drafted by an analyst (automatic questions answered from the call's
 * checks), submitted (scored on the scorecard version it was started with, counted in the agent's
 * score), acknowledged or disputed by the agent, a dispute resolved by someone else.
 */
@Injectable()
export class EvaluationsService {
  constructor(
    private readonly database: QaDatabase,
    private readonly evaluations: EvaluationsRepository,
    private readonly calls: CallsRepository,
    private readonly scorecards: ScorecardsService,
    private readonly settings: QaSettingsRepository,
    private readonly workItems: WorkItemsRepository,
    private readonly scores: ScoresService,
    private readonly clock: Clock,
    private readonly metrics: QaMetrics,
  ) {}

  create(body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(CreateEvaluationSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const call = await this.endedCall(tx, tenantId, input.callId, 'body.callId');
      const scorecardId = input.scorecardId ?? (await this.settings.get(tx, tenantId)).defaultScorecardId;
      if (!scorecardId) {
        throw AppError.invalid([
          {
            field: 'body.scorecardId',
            rule: 'required',
            message: 'name a scorecard (the tenant has no default)',
          },
        ]);
      }
      const scorecard = await this.scorecards.find(tx, tenantId, scorecardId, input.scorecardVersion);
      const workItem = input.workItemId
        ? await this.workItems.get(tx, tenantId, input.workItemId)
        : await this.workItems.findByCall(tx, tenantId, call.callId);
      if (input.workItemId && (!workItem || workItem.callId !== call.callId)) {
        throw AppError.invalid([
          {
            field: 'body.workItemId',
            rule: 'exists',
            message: `no work item ${input.workItemId} for call ${call.callId}`,
          },
        ]);
      }
      if (input.workItemId && workItem?.evaluationId) {
        throw new AppError(
          ErrorKind.Conflict,
          `work item ${workItem.id} is already evaluated by ${workItem.evaluationId}`,
          {
            code: 'qa.work_item_taken',
          },
        );
      }
      const linked = workItem && !workItem.evaluationId ? workItem : undefined;
      const analystAnswers = input.answers ?? {};
      // Whether a conditional question is asked is decided at submission, when every answer is known.
      this.assertAnswers(
        checkAnswers(scorecard.definition, analystAnswers, {
          requireComplete: false,
          rejectAutoChecks: true,
          fieldPrefix: 'body.answers',
        }).filter((v) => v.rule !== 'not_applicable'),
      );
      const evaluation = this.draft(call, scorecard, input.analystId, 'standard', {
        answers: { ...automaticAnswers(scorecard, call), ...analystAnswers },
        workItemId: linked?.id ?? null,
      });
      await this.evaluations.insert(tx, tenantId, evaluation);
      if (linked && !(await this.workItems.linkEvaluation(tx, tenantId, linked.id, evaluation.id))) {
        // Another analyst started on this item between our read and our write.
        throw new AppError(ErrorKind.Conflict, `work item ${linked.id} was taken meanwhile`, {
          code: 'qa.work_item_taken',
        });
      }
      return { ...evaluation, comments: [] };
    });
  }

  /** A draft evaluation record (also used by calibration sessions). */
  draft(
    call: CallRow,
    scorecard: ScorecardVersion,
    analystId: string,
    kind: EvaluationKind,
    extra: { answers: Answers; workItemId?: string | null; calibrationId?: string | null },
  ): Omit<EvaluationRecord, 'comments'> {
    return {
      id: newId('ev'),
      callId: call.callId,
      agentId: call.agentId!,
      analystId,
      scorecardId: scorecard.scorecardId,
      scorecardVersion: scorecard.version,
      kind,
      calibrationId: extra.calibrationId ?? null,
      workItemId: extra.workItemId ?? null,
      status: 'draft',
      answers: extra.answers,
      result: null,
      score: null,
      percent: null,
      criticalFailed: false,
      recordingId: call.recordingId,
      disputeReason: null,
      resolutionNote: null,
      resolvedBy: null,
      submittedAt: null,
      acknowledgedAt: null,
      disputedAt: null,
      resolvedAt: null,
      version: 1,
      createdAt: this.clock.now(),
    };
  }

  /** A call that ended and had an agent, or the reason it cannot be evaluated. */
  async endedCall(
    tx: QaTx,
    tenantId: string,
    callId: string,
    field: string,
  ): Promise<CallRow & { agentId: string }> {
    const call = await this.calls.get(tx, tenantId, callId);
    if (!call) throw AppError.notFound('call', callId);
    if (call.endedAt === null || call.agentId === null) {
      throw new AppError(
        ErrorKind.FailedPrecondition,
        `${field}: call ${callId} ${call.endedAt === null ? 'has not ended' : 'had no agent'}, there is nothing to evaluate`,
        { code: 'qa.call_not_evaluable' },
      );
    }
    return { ...call, agentId: call.agentId };
  }

  answer(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(AnswerEvaluationSchema, body, 'body');
    return this.step(id, 'answer', input.actorId, (_tx, _tenantId, e, scorecard) => {
      this.assertAnswers(answerChangeViolations(scorecard, input.answers));
      return Promise.resolve({ answers: merge(e.answers, input.answers) });
    });
  }

  submit(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(ActorSchema, body, 'body');
    return this.step(id, 'submit', input.actorId, async (tx, tenantId, e, scorecard) => {
      const change = this.scored(scorecard, e.answers, false);
      if (e.workItemId) await this.workItems.setStatus(tx, tenantId, e.workItemId, 'done');
      return { ...change, submittedAt: this.clock.now() };
    });
  }

  acknowledge(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(ActorSchema, body, 'body');
    return this.step(id, 'acknowledge', input.actorId, () =>
      Promise.resolve({ acknowledgedAt: this.clock.now() }),
    );
  }

  dispute(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(DisputeSchema, body, 'body');
    return this.step(id, 'dispute', input.actorId, () =>
      Promise.resolve({ disputedAt: this.clock.now(), disputeReason: input.reason }),
    );
  }

  resolve(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(ResolveSchema, body, 'body');
    return this.step(id, 'resolve', input.actorId, (_tx, _tenantId, e, scorecard) => {
      const base = { resolvedAt: this.clock.now(), resolvedBy: input.actorId, resolutionNote: input.note };
      if (!input.answers) return Promise.resolve(base);
      return Promise.resolve({ ...base, ...this.scored(scorecard, merge(e.answers, input.answers), true) });
    });
  }

  comment(id: string, body: unknown): Promise<EvaluationRecord> {
    const input = parseOrThrow(CommentSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const e = await this.load(tx, tenantId, id);
      const t = transition(e, 'comment', input.authorId);
      if (!t.ok) throw new AppError(ErrorKind.FailedPrecondition, t.reason, { code: t.code });
      await this.evaluations.addComment(tx, tenantId, id, {
        id: newId('cm'),
        authorId: input.authorId,
        offsetMs: input.offsetMs ?? null,
        text: input.text,
        createdAt: this.clock.now(),
      });
      return this.load(tx, tenantId, id);
    });
  }

  get(id: string): Promise<EvaluationRecord> {
    return this.database.tenant((tx, tenantId) => this.load(tx, tenantId, id));
  }

  /** An evaluation with its call (timeline, parties, checks, recording id), for the evaluator's screen. */
  getWithCall(id: string): Promise<{ evaluation: EvaluationRecord; call: CallRow | null }> {
    return this.database.tenant(async (tx, tenantId) => {
      const evaluation = await this.load(tx, tenantId, id);
      return { evaluation, call: await this.calls.get(tx, tenantId, evaluation.callId) };
    });
  }

  list(query: unknown): Promise<{ items: EvaluationRecord[]; nextCursor: string | null }> {
    const q = parseOrThrow(ListEvaluationsSchema, query, 'query');
    return this.database.tenant(async (tx, tenantId) => {
      const items = await this.evaluations.list(tx, tenantId, q);
      return { items, nextCursor: items.length === q.limit ? items[items.length - 1]!.id : null };
    });
  }

  /**
   * One lifecycle step in one transaction: load, check the transition, compute the change, write
   * it if nobody changed the evaluation meanwhile, and recompute the agent's score when the step
   * changed what counts.
   */
  private async step(
    id: string,
    action: EvaluationAction,
    actorId: string,
    change: (
      tx: QaTx,
      tenantId: string,
      e: EvaluationRecord,
      scorecard: ScorecardVersion,
    ) => Promise<EvaluationChange>,
  ): Promise<EvaluationRecord> {
    const result = await this.database.tenant(async (tx, tenantId) => {
      const e = await this.load(tx, tenantId, id);
      const t = transition(e, action, actorId);
      if (!t.ok) throw new AppError(ErrorKind.FailedPrecondition, t.reason, { code: t.code });
      const scorecard = await this.scorecards.find(tx, tenantId, e.scorecardId, e.scorecardVersion);
      const applied = await this.evaluations.update(tx, tenantId, id, e.version, {
        ...(await change(tx, tenantId, e, scorecard)),
        status: t.status,
      });
      if (!applied) {
        throw new AppError(ErrorKind.Conflict, `evaluation ${id} changed meanwhile; reload and retry`, {
          code: 'qa.evaluation_changed',
        });
      }
      const scoreMoved = e.kind === 'standard' && (action === 'submit' || action === 'resolve');
      if (scoreMoved)
        await this.scores.recompute(tx, tenantId, e.agentId, { kind: 'evaluation', evaluationId: e.id });
      return this.load(tx, tenantId, id);
    });
    if (action !== 'answer') this.metrics.step(action);
    return result;
  }

  /** Validates complete answers and scores them; refuses what cannot be scored. */
  private scored(scorecard: ScorecardVersion, given: Answers, byResolver: boolean): EvaluationChange {
    const fieldPrefix = byResolver ? 'body.answers' : 'answers';
    const invalid = checkAnswers(scorecard.definition, given, {
      requireComplete: false,
      rejectAutoChecks: false,
      fieldPrefix,
    }).filter((v) => v.rule !== 'not_applicable');
    this.assertAnswers(invalid);
    const answers = askedOnly(scorecard, given);
    this.assertAnswers(
      checkAnswers(scorecard.definition, answers, {
        requireComplete: true,
        rejectAutoChecks: false,
        fieldPrefix,
      }),
    );
    const result = scoreEvaluation(scorecard.definition, answers);
    if (result.score === null) {
      throw new AppError(
        ErrorKind.FailedPrecondition,
        'every asked question is N/A: there is nothing to score',
        {
          code: 'qa.nothing_to_score',
        },
      );
    }
    return {
      answers,
      result,
      score: result.score,
      percent: result.percent,
      criticalFailed: result.criticalFailed,
    };
  }

  private async load(tx: QaTx, tenantId: string, id: string): Promise<EvaluationRecord> {
    const e = await this.evaluations.get(tx, tenantId, id);
    if (!e) throw AppError.notFound('evaluation', id);
    return e;
  }

  private assertAnswers(violations: ReturnType<typeof checkAnswers>): void {
    if (violations.length > 0) throw AppError.invalid(violations);
  }
}
