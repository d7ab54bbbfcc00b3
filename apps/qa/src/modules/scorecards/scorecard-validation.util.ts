import { type FieldViolation, violationsFromZod } from '@cc/contracts';
import {
  type AnswerValue,
  NA,
  type Question,
  type ScorecardDefinition,
  ScorecardDefinitionSchema,
} from './scorecard.model';

/** Weights are decimals people type: 33.33 + 33.33 + 33.34 must add up. */
const WEIGHT_TOLERANCE = 0.01;

export type ScorecardCheck =
  { ok: true; definition: ScorecardDefinition } | { ok: false; violations: FieldViolation[] };

/**
 * Parses a form and checks the rules between its fields, naming every problem at once:
 * weights that do not add up to 100, duplicate ids, a critical question without a fail answer,
 * conditions that dangle (an unknown or later question, an answer the question cannot have), a
 * scale whose fail mark is outside it, a choice in which no option earns points. Pure.
 */
export function validateScorecard(input: unknown, fieldPrefix = ''): ScorecardCheck {
  const parsed = ScorecardDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, violations: violationsFromZod(parsed.error, fieldPrefix) };
  const definition = parsed.data;
  const at = (path: string) => (fieldPrefix ? `${fieldPrefix}.${path}` : path);
  const violations: FieldViolation[] = [];
  const problem = (path: string, rule: string, message: string) =>
    violations.push({ field: at(path), rule, message });

  const sectionSum = sum(definition.sections.map((s) => s.weight));
  if (Math.abs(sectionSum - 100) > WEIGHT_TOLERANCE) {
    problem('sections', 'weights_sum', `section weights add up to ${round2(sectionSum)}, not 100`);
  }
  if (definition.passScore !== undefined && definition.passScore > definition.maxScore) {
    problem('passScore', 'max', `must not exceed maxScore (${definition.maxScore})`);
  }

  const sectionIds = new Set<string>();
  /** Questions seen so far (a condition may only look back, which also rules out cycles). */
  const earlier = new Map<string, Question>();
  const later = new Set(definition.sections.flatMap((s) => s.questions.map((q) => q.id)));
  const autoChecks = new Map<string, string>();

  definition.sections.forEach((section, si) => {
    const sectionPath = `sections.${si}`;
    if (sectionIds.has(section.id))
      problem(`${sectionPath}.id`, 'duplicate_id', `section id ${section.id} is used twice`);
    sectionIds.add(section.id);
    const questionSum = sum(section.questions.map((q) => q.weight));
    if (Math.abs(questionSum - 100) > WEIGHT_TOLERANCE) {
      problem(
        `${sectionPath}.questions`,
        'weights_sum',
        `question weights of section ${section.id} add up to ${round2(questionSum)}, not 100`,
      );
    }
    section.questions.forEach((question, qi) => {
      const path = `${sectionPath}.questions.${qi}`;
      if (earlier.has(question.id)) {
        problem(`${path}.id`, 'duplicate_id', `question id ${question.id} is used twice`);
      }
      checkQuestion(question, path, problem);
      if (question.type === 'yes_no' && question.autoCheck) {
        const first = autoChecks.get(question.autoCheck);
        if (first) {
          problem(
            `${path}.autoCheck`,
            'duplicate_auto_check',
            `${question.autoCheck} is already asked by ${first}`,
          );
        }
        autoChecks.set(question.autoCheck, question.id);
      }
      if (question.condition) {
        const target = earlier.get(question.condition.questionId);
        if (!target) {
          const why = later.has(question.condition.questionId)
            ? `question ${question.condition.questionId} comes later (or is this one); a condition may only depend on an earlier question`
            : `no question ${question.condition.questionId} in this scorecard`;
          problem(`${path}.condition.questionId`, 'dangling_condition', why);
        } else {
          question.condition.in.forEach((value, vi) => {
            if (!isPossibleAnswer(target, value)) {
              problem(
                `${path}.condition.in.${vi}`,
                'dangling_condition',
                `question ${target.id} can never be answered ${JSON.stringify(value)}`,
              );
            }
          });
        }
      }
      earlier.set(question.id, question);
    });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, definition };
}

function checkQuestion(
  question: Question,
  path: string,
  problem: (path: string, rule: string, message: string) => void,
): void {
  switch (question.type) {
    case 'yes_no':
      if (question.critical && question.failAnswers.length === 0) {
        problem(
          `${path}.failAnswers`,
          'critical_without_fail_answer',
          `critical question ${question.id} names no answer that fails it (e.g. ["no"])`,
        );
      }
      if (question.failAnswers.length === 2) {
        problem(`${path}.failAnswers`, 'all_answers_fail', `every answer would fail question ${question.id}`);
      }
      return;
    case 'scale':
      if (question.max <= question.min) {
        problem(`${path}.max`, 'scale_range', `must be greater than min (${question.min})`);
      }
      if (
        question.failBelow !== undefined &&
        (question.failBelow <= question.min || question.failBelow > question.max)
      ) {
        problem(
          `${path}.failBelow`,
          'scale_range',
          `must lie above min (${question.min}) and at most max (${question.max}), else no answer (or every answer) fails`,
        );
      }
      if (question.critical && question.failBelow === undefined) {
        problem(
          `${path}.failBelow`,
          'critical_without_fail_answer',
          `critical question ${question.id} names no value that fails it (failBelow)`,
        );
      }
      return;
    case 'choice': {
      const ids = new Set<string>();
      question.options.forEach((option, oi) => {
        if (ids.has(option.id) || option.id === NA) {
          problem(
            `${path}.options.${oi}.id`,
            'duplicate_id',
            `option id ${option.id} is used twice or reserved`,
          );
        }
        ids.add(option.id);
      });
      if (Math.max(...question.options.map((o) => o.points)) <= 0) {
        problem(`${path}.options`, 'no_points', `no option of question ${question.id} earns points`);
      }
      if (question.critical && !question.options.some((o) => o.fails)) {
        problem(
          `${path}.options`,
          'critical_without_fail_answer',
          `critical question ${question.id} has no option with fails: true`,
        );
      }
      if (question.options.every((o) => o.fails)) {
        problem(`${path}.options`, 'all_answers_fail', `every option would fail question ${question.id}`);
      }
      return;
    }
  }
}

/** Whether `value` is a valid answer to `question` (ignoring conditions). */
export function isPossibleAnswer(question: Question, value: AnswerValue): boolean {
  if (value === NA) return allowsNa(question);
  switch (question.type) {
    case 'yes_no':
      return value === 'yes' || value === 'no';
    case 'scale':
      return (
        typeof value === 'number' && Number.isInteger(value) && value >= question.min && value <= question.max
      );
    case 'choice':
      return typeof value === 'string' && question.options.some((o) => o.id === value);
  }
}

/** Automatic checks may not apply to a call, so their questions always accept N/A. */
export function allowsNa(question: Question): boolean {
  return question.allowNa || (question.type === 'yes_no' && question.autoCheck !== undefined);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const round2 = (value: number) => Math.round(value * 100) / 100;
