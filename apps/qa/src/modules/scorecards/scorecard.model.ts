import { z } from 'zod';
import { AUTO_CHECKS } from '../auto-checks/auto-check.model';

/**
 * A scorecard (evaluation form): sections with weights, questions with weights inside their
 * section. Section weights add up to 100; the question weights of each section add up to 100. A
 * question's share of the total is (section weight x question weight) / 10,000, before N/A
 * re-weighting (docs/adr/0013-qa-scoring.md).
 */

/** Ids of sections, questions and choice options: short, stable, safe in field paths. */
export const FormIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, "_" or "-", starting with a letter');

/** The answer "not applicable". */
export const NA = 'na';

/** An answer: `yes`/`no`/`na` (yes_no), a number (scale), an option id (choice) or `na`. */
export const AnswerValueSchema = z.union([z.string().min(1).max(64), z.number().finite()]);
export type AnswerValue = z.infer<typeof AnswerValueSchema>;

/** Answers by question id. */
export const AnswersSchema = z.record(FormIdSchema, AnswerValueSchema);
export type Answers = Record<string, AnswerValue>;

/** Show (and score) a question only when an earlier question was answered with one of `in`. */
const ConditionSchema = z
  .object({
    questionId: FormIdSchema,
    in: z.array(AnswerValueSchema).min(1).max(50),
  })
  .strict();
export type Condition = z.infer<typeof ConditionSchema>;

const questionBase = {
  id: FormIdSchema,
  text: z.string().trim().min(1).max(500),
  /** Share of the section's 100, before N/A re-weighting. 0 is allowed (a pure gate). */
  weight: z.number().min(0).max(100),
  /** A fail answer to a critical question fails the whole evaluation (score 0). */
  critical: z.boolean().default(false),
  /** Whether `na` is a valid answer. */
  allowNa: z.boolean().default(false),
  condition: ConditionSchema.optional(),
};

const YesNoQuestionSchema = z
  .object({
    ...questionBase,
    type: z.literal('yes_no'),
    /** `yes` earns the question's weight, `no` nothing. */
    failAnswers: z
      .array(z.enum(['yes', 'no']))
      .max(2)
      .default([]),
    /**
     * Answered by qa itself from the call facts (yes = the check passed, na = it does not apply),
     * never by an analyst.
     */
    autoCheck: z.enum(AUTO_CHECKS).optional(),
  })
  .strict();

const ScaleQuestionSchema = z
  .object({
    ...questionBase,
    type: z.literal('scale'),
    min: z.number().int().min(0).max(100),
    max: z.number().int().min(1).max(100),
    /** Values below this fail a critical question. */
    failBelow: z.number().optional(),
  })
  .strict();

const ChoiceOptionSchema = z
  .object({
    id: FormIdSchema,
    label: z.string().trim().min(1).max(200),
    points: z.number().min(0).max(1000),
    /** Choosing it fails a critical question. */
    fails: z.boolean().default(false),
  })
  .strict();

const ChoiceQuestionSchema = z
  .object({
    ...questionBase,
    type: z.literal('choice'),
    options: z.array(ChoiceOptionSchema).min(2).max(20),
  })
  .strict();

export const QuestionSchema = z.discriminatedUnion('type', [
  YesNoQuestionSchema,
  ScaleQuestionSchema,
  ChoiceQuestionSchema,
]);
export type Question = z.infer<typeof QuestionSchema>;
export type YesNoQuestion = z.infer<typeof YesNoQuestionSchema>;
export type ScaleQuestion = z.infer<typeof ScaleQuestionSchema>;
export type ChoiceQuestion = z.infer<typeof ChoiceQuestionSchema>;

const SectionSchema = z
  .object({
    id: FormIdSchema,
    title: z.string().trim().min(1).max(200),
    weight: z.number().min(0).max(100),
    questions: z.array(QuestionSchema).min(1).max(100),
  })
  .strict();
export type Section = z.infer<typeof SectionSchema>;

/**
 * How N/A answers count: `reweight` drops them from the denominator (the other questions of the
 * section, and the other sections, share their weight); `full_credit` scores them as fully met.
 */
export const NaHandlingSchema = z.enum(['reweight', 'full_credit']);
export type NaHandling = z.infer<typeof NaHandlingSchema>;

/** The form as a tenant writes it (structure only; `validateScorecard` checks the rules between fields). */
export const ScorecardDefinitionSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** The score of a perfect evaluation (e.g. 100 or 5). */
    maxScore: z.number().positive().max(10_000).default(100),
    /** Evaluations at or above this score pass; omit for no pass mark. */
    passScore: z.number().min(0).optional(),
    naHandling: NaHandlingSchema.default('reweight'),
    sections: z.array(SectionSchema).min(1).max(30),
  })
  .strict();
export type ScorecardDefinition = z.infer<typeof ScorecardDefinitionSchema>;

/** A stored version of a scorecard: versions are immutable, an evaluation keeps the one it used. */
export interface ScorecardVersion {
  scorecardId: string;
  version: number;
  definition: ScorecardDefinition;
  createdAt: Date;
}

/** Every question of a form in order, with its section. */
export function questionsOf(definition: ScorecardDefinition): { section: Section; question: Question }[] {
  return definition.sections.flatMap((section) =>
    section.questions.map((question) => ({ section, question })),
  );
}
