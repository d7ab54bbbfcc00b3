import { z } from 'zod';
import { RefIdSchema } from '../settings/qa-settings.model';
import { AnswersSchema, AnswerValueSchema, type Answers } from '../scorecards/scorecard.model';
import type { ScoreResult } from '../scoring/scoring.util';
import type { EvaluationKind, EvaluationStatus } from './evaluation-lifecycle.util';

export interface CommentRecord {
  id: string;
  authorId: string;
  /** Where in the recording, from its start; null for the whole call. */
  offsetMs: number | null;
  text: string;
  createdAt: Date;
}

export interface EvaluationRecord {
  id: string;
  callId: string;
  agentId: string;
  analystId: string;
  scorecardId: string;
  scorecardVersion: number;
  kind: EvaluationKind;
  calibrationId: string | null;
  workItemId: string | null;
  status: EvaluationStatus;
  answers: Answers;
  result: ScoreResult | null;
  score: number | null;
  percent: number | null;
  criticalFailed: boolean;
  recordingId: string | null;
  disputeReason: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  submittedAt: Date | null;
  acknowledgedAt: Date | null;
  disputedAt: Date | null;
  resolvedAt: Date | null;
  version: number;
  createdAt: Date;
  comments: CommentRecord[];
}

export const CreateEvaluationSchema = z
  .object({
    callId: RefIdSchema,
    analystId: RefIdSchema,
    /** Default: the tenant's default scorecard. */
    scorecardId: RefIdSchema.optional(),
    /** Default: its latest version. */
    scorecardVersion: z.number().int().min(1).optional(),
    /** The sampled work item this evaluation answers (found by call when omitted). */
    workItemId: RefIdSchema.optional(),
    answers: AnswersSchema.optional(),
  })
  .strict();

/** Answers to change; null removes an answer. */
export const AnswerEvaluationSchema = z
  .object({
    actorId: RefIdSchema,
    answers: z.record(z.string(), AnswerValueSchema.nullable()),
  })
  .strict();

export const ActorSchema = z.object({ actorId: RefIdSchema }).strict();

export const DisputeSchema = z
  .object({ actorId: RefIdSchema, reason: z.string().trim().min(1).max(2000) })
  .strict();

export const ResolveSchema = z
  .object({
    actorId: RefIdSchema,
    note: z.string().trim().min(1).max(2000),
    /** Corrected answers (automatic ones included: the dispute may be about a check). */
    answers: z.record(z.string(), AnswerValueSchema.nullable()).optional(),
  })
  .strict();

export const CommentSchema = z
  .object({
    authorId: RefIdSchema,
    /** Milliseconds from the start of the recording; omit for a comment on the whole call. */
    offsetMs: z.number().int().min(0).max(86_400_000).optional(),
    text: z.string().trim().min(1).max(4000),
  })
  .strict();

export const ListEvaluationsSchema = z
  .object({
    agentId: RefIdSchema.optional(),
    analystId: RefIdSchema.optional(),
    callId: RefIdSchema.optional(),
    status: z.enum(['draft', 'submitted', 'acknowledged', 'disputed', 'resolved']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: RefIdSchema.optional(),
  })
  .strict();
