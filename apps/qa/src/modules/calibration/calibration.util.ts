import {
  questionsOf,
  type AnswerValue,
  type Answers,
  type ScorecardDefinition,
} from '../scorecards/scorecard.model';
import { answerFraction, applicableQuestions, scoreEvaluation } from '../scoring/scoring.util';

/** Spread of numbers: how far analysts are apart. */
export interface Spread {
  mean: number | null;
  min: number | null;
  max: number | null;
  /** max - min: the widest disagreement. */
  range: number | null;
  /** Population standard deviation. */
  stdDev: number | null;
}

export interface QuestionSpread {
  questionId: string;
  text: string;
  /** Each analyst's answer (null: not asked for that analyst's answers, or unanswered). */
  answers: { analystId: string; answer: AnswerValue | null }[];
  /** Spread of the points earned, in percent of the question (0-100); N/A answers left out. */
  points: Spread;
  /** Share (0-1) of the analysts who answered that gave the most common answer. */
  agreement: number | null;
}

export interface CalibrationReport {
  evaluations: number;
  /** Spread of the total scores (percent of maxScore). */
  overall: Spread;
  questions: QuestionSpread[];
}

/** Mean, extremes, range and standard deviation; nulls for an empty list. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: null, min: null, max: null, range: null, stdDev: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return {
    mean: round(mean),
    min: round(min),
    max: round(max),
    range: round(max - min),
    stdDev: round(Math.sqrt(variance)),
  };
}

/**
 * How several analysts who scored the same call on the same form differ, per question and in
 * total (pure). A question asked for some analysts and not others (their answers to its condition
 * differ) shows null for the others: that itself is a disagreement the session should discuss.
 */
export function calibrationSpread(
  definition: ScorecardDefinition,
  evaluations: readonly { analystId: string; answers: Answers }[],
): CalibrationReport {
  const asked = evaluations.map((e) => applicableQuestions(definition, e.answers));
  const questions = questionsOf(definition).map(({ question }): QuestionSpread => {
    const answers = evaluations.map((e, i) => ({
      analystId: e.analystId,
      answer: asked[i]!.has(question.id) ? (e.answers[question.id] ?? null) : null,
    }));
    const points: number[] = [];
    const counts = new Map<string, number>();
    let answered = 0;
    for (const { answer } of answers) {
      if (answer === null) continue;
      answered += 1;
      const key = JSON.stringify(answer);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const fraction = answerFraction(question, answer);
      if (fraction !== null) points.push(fraction * 100);
    }
    return {
      questionId: question.id,
      text: question.text,
      answers,
      points: spreadOf(points),
      agreement: answered === 0 ? null : round(Math.max(...counts.values()) / answered),
    };
  });
  const totals = evaluations
    .map((e) => scoreEvaluation(definition, e.answers).percent)
    .filter((p): p is number => p !== null);
  return { evaluations: evaluations.length, overall: spreadOf(totals), questions };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
