import type { FieldViolation } from '@cc/contracts';
import { allowsNa, isPossibleAnswer } from '../scorecards/scorecard-validation.util';
import {
  type Answers,
  type AnswerValue,
  NA,
  type Question,
  questionsOf,
  type ScorecardDefinition,
} from '../scorecards/scorecard.model';

/** One question's part of a score. */
export interface QuestionScore {
  questionId: string;
  sectionId: string;
  /** False when its condition is not met: it was not asked and counts nowhere. */
  applicable: boolean;
  answer: AnswerValue | null;
  /** Share of the question's points earned, 0-1; null for N/A (and not applicable). */
  fraction: number | null;
  /** Whether this answer fails a critical question. */
  criticalFail: boolean;
}

export interface SectionScore {
  sectionId: string;
  /** 0-1 of the section's applicable weight; null when nothing in it counted (all N/A). */
  fraction: number | null;
  /** The section's weight after re-weighting, as a share of the whole (0-1). */
  effectiveWeight: number;
}

export interface ScoreResult {
  /** The score on the form's scale (0..maxScore), 0 after a critical fail; null when nothing counted. */
  score: number | null;
  /** The score before a critical fail zeroed it. */
  rawScore: number | null;
  maxScore: number;
  /** 0-100 (score / maxScore), what agent scores average. */
  percent: number | null;
  criticalFailed: boolean;
  /** The critical questions whose answer failed the evaluation. */
  criticalFailures: string[];
  /** Null when the form has no pass mark or nothing counted. */
  passed: boolean | null;
  sections: SectionScore[];
  questions: QuestionScore[];
}

/**
 * Which questions are asked, given the answers: a conditional question is asked only when the
 * earlier question it depends on was asked and answered with one of its values. Conditions only
 * look back (validateScorecard), so one pass in form order decides every question.
 */
export function applicableQuestions(definition: ScorecardDefinition, answers: Answers): Set<string> {
  const asked = new Set<string>();
  for (const { question } of questionsOf(definition)) {
    const condition = question.condition;
    if (
      !condition ||
      (asked.has(condition.questionId) && condition.in.some((v) => v === answers[condition.questionId]))
    ) {
      asked.add(question.id);
    }
  }
  return asked;
}

export interface AnswerCheckOptions {
  /** Submission: every asked question must be answered. Drafts may be partial. */
  requireComplete: boolean;
  /** Answers an analyst may not give (automatic checks answer their questions themselves). */
  rejectAutoChecks: boolean;
  fieldPrefix?: string;
}

/**
 * The problems of a set of answers against a form, each naming `answers.<questionId>`: unknown
 * questions, values the question cannot take, answers to questions whose condition is not met,
 * analysts' answers to automatic questions and (on submission) questions left unanswered. Pure.
 */
export function checkAnswers(
  definition: ScorecardDefinition,
  answers: Answers,
  options: AnswerCheckOptions,
): FieldViolation[] {
  const prefix = options.fieldPrefix ?? 'answers';
  const violations: FieldViolation[] = [];
  const byId = new Map(questionsOf(definition).map(({ question }) => [question.id, question]));
  const asked = applicableQuestions(definition, answers);
  for (const [questionId, value] of Object.entries(answers)) {
    const field = `${prefix}.${questionId}`;
    const question = byId.get(questionId);
    if (!question) {
      violations.push({
        field,
        rule: 'unknown_question',
        message: `the scorecard has no question ${questionId}`,
      });
      continue;
    }
    if (options.rejectAutoChecks && question.type === 'yes_no' && question.autoCheck) {
      violations.push({
        field,
        rule: 'auto_scored',
        message: `answered by the automatic check ${question.autoCheck}, not by hand`,
      });
      continue;
    }
    if (!isPossibleAnswer(question, value)) {
      violations.push({ field, rule: 'answer', message: expected(question) });
      continue;
    }
    if (!asked.has(questionId)) {
      violations.push({
        field,
        rule: 'not_applicable',
        message: `question ${questionId} is not asked: its condition on ${question.condition?.questionId} is not met`,
      });
    }
  }
  if (options.requireComplete) {
    for (const { question } of questionsOf(definition)) {
      if (asked.has(question.id) && answers[question.id] === undefined) {
        violations.push({ field: `${prefix}.${question.id}`, rule: 'required', message: 'must be answered' });
      }
    }
  }
  return violations;
}

function expected(question: Question): string {
  const na = allowsNa(question) ? ' or "na"' : '';
  switch (question.type) {
    case 'yes_no':
      return `must be "yes" or "no"${na}`;
    case 'scale':
      return `must be a whole number from ${question.min} to ${question.max}${na}`;
    case 'choice':
      return `must be one of ${question.options.map((o) => `"${o.id}"`).join(', ')}${na}`;
  }
}

/** The share (0-1) of a question's points an answer earns; null for N/A. */
export function answerFraction(question: Question, value: AnswerValue): number | null {
  if (value === NA) return null;
  switch (question.type) {
    case 'yes_no':
      return value === 'yes' ? 1 : 0;
    case 'scale':
      return ((value as number) - question.min) / (question.max - question.min);
    case 'choice': {
      const best = Math.max(...question.options.map((o) => o.points));
      const option = question.options.find((o) => o.id === value);
      return option ? option.points / best : 0;
    }
  }
}

/** Whether an answer fails a critical question (false for every answer to a non-critical one). */
export function isCriticalFail(question: Question, value: AnswerValue): boolean {
  if (!question.critical || value === NA) return false;
  switch (question.type) {
    case 'yes_no':
      return question.failAnswers.includes(value as 'yes' | 'no');
    case 'scale':
      return question.failBelow !== undefined && (value as number) < question.failBelow;
    case 'choice':
      return question.options.some((o) => o.id === value && o.fails);
  }
}

/**
 * Scores answers on a (valid) form. Within a section each asked, answered question counts with its
 * weight; N/A either leaves the denominator (`reweight`: the others share its weight) or counts as
 * fully met (`full_credit`); unanswered and unasked questions leave it too. A section in which
 * nothing counted leaves the total the same way. The total is on the form's `maxScore` scale; a
 * fail answer to a critical question sets it to 0 (the raw score is kept). Pure; answers are
 * expected to have passed `checkAnswers`.
 */
export function scoreEvaluation(definition: ScorecardDefinition, answers: Answers): ScoreResult {
  const asked = applicableQuestions(definition, answers);
  const questions: QuestionScore[] = [];
  const partial: { sectionId: string; weight: number; fraction: number | null }[] = [];
  const criticalFailures: string[] = [];

  for (const section of definition.sections) {
    let earned = 0;
    let possible = 0;
    for (const question of section.questions) {
      const applicable = asked.has(question.id);
      const answer = applicable ? (answers[question.id] ?? null) : null;
      let fraction: number | null = null;
      let criticalFail = false;
      if (answer !== null) {
        fraction = answerFraction(question, answer);
        criticalFail = isCriticalFail(question, answer);
        if (criticalFail) criticalFailures.push(question.id);
        const counted = fraction ?? (definition.naHandling === 'full_credit' ? 1 : null);
        if (counted !== null) {
          earned += question.weight * counted;
          possible += question.weight;
        }
      }
      questions.push({
        questionId: question.id,
        sectionId: section.id,
        applicable,
        answer,
        fraction,
        criticalFail,
      });
    }
    partial.push({
      sectionId: section.id,
      weight: section.weight,
      fraction: possible > 0 ? earned / possible : null,
    });
  }

  const countedWeight = partial.reduce((a, s) => a + (s.fraction === null ? 0 : s.weight), 0);
  const sections: SectionScore[] = partial.map((s) => ({
    sectionId: s.sectionId,
    fraction: s.fraction,
    effectiveWeight: s.fraction === null || countedWeight === 0 ? 0 : s.weight / countedWeight,
  }));
  const total =
    countedWeight > 0
      ? partial.reduce((a, s) => a + (s.fraction === null ? 0 : s.weight * s.fraction), 0) / countedWeight
      : null;
  const criticalFailed = criticalFailures.length > 0;
  const rawScore = total === null ? null : roundScore(total * definition.maxScore);
  const score = criticalFailed ? 0 : rawScore;
  return {
    score,
    rawScore,
    maxScore: definition.maxScore,
    percent: score === null ? null : roundScore((score / definition.maxScore) * 100),
    criticalFailed,
    criticalFailures,
    passed: definition.passScore === undefined || score === null ? null : score >= definition.passScore,
    sections,
    questions,
  };
}

/** Scores are kept to 4 decimals: enough for averages, stable across platforms. */
export function roundScore(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
