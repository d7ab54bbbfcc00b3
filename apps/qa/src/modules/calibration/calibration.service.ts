import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';
import { QaDatabase, type QaTx } from '../../infrastructure/qa-database';
import type { EvaluationRecord } from '../evaluations/evaluation.model';
import { EvaluationsRepository } from '../evaluations/evaluations.repository';
import { automaticAnswers, EvaluationsService } from '../evaluations/evaluations.service';
import { ScorecardsService } from '../scorecards/scorecards.service';
import { RefIdSchema } from '../settings/qa-settings.model';
import { QaSettingsRepository } from '../settings/qa-settings.repository';
import { type CalibrationReport, calibrationSpread } from './calibration.util';

export const CreateCalibrationSchema = z
  .object({
    callId: RefIdSchema,
    scorecardId: RefIdSchema.optional(),
    scorecardVersion: z.number().int().min(1).optional(),
    analystIds: z
      .array(RefIdSchema)
      .min(2)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name an analyst twice'),
  })
  .strict();

export interface CalibrationSession {
  id: string;
  callId: string;
  scorecard: { id: string; version: number };
  analystIds: string[];
  createdAt: string;
  /** Each analyst's evaluation (a calibration evaluation, not counted in the agent's score). */
  evaluations: { analystId: string; evaluationId: string; status: string; percent: number | null }[];
  /** The spread over the submitted evaluations. */
  report: CalibrationReport;
}

/**
 * Calibration: several analysts score the same call on the same scorecard version, each in their
 * own calibration evaluation; the report shows how far apart they are per question.
 */
@Injectable()
export class CalibrationService {
  constructor(
    private readonly database: QaDatabase,
    private readonly evaluations: EvaluationsRepository,
    private readonly evaluationsService: EvaluationsService,
    private readonly scorecards: ScorecardsService,
    private readonly settings: QaSettingsRepository,
    private readonly clock: Clock,
  ) {}

  create(body: unknown): Promise<CalibrationSession> {
    const input = parseOrThrow(CreateCalibrationSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const call = await this.evaluationsService.endedCall(tx, tenantId, input.callId, 'body.callId');
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
      const id = newId('cal');
      await tx.calibration.create({
        data: {
          id,
          tenantId,
          callId: call.callId,
          scorecardId: scorecard.scorecardId,
          scorecardVersion: scorecard.version,
          analystIds: input.analystIds,
          createdAt: this.clock.now(),
        },
      });
      const answers = automaticAnswers(scorecard, call);
      for (const analystId of input.analystIds) {
        await this.evaluations.insert(
          tx,
          tenantId,
          this.evaluationsService.draft(call, scorecard, analystId, 'calibration', {
            answers,
            calibrationId: id,
          }),
        );
      }
      return this.load(tx, tenantId, id);
    });
  }

  get(id: string): Promise<CalibrationSession> {
    return this.database.tenant((tx, tenantId) => this.load(tx, tenantId, id));
  }

  private async load(tx: QaTx, tenantId: string, id: string): Promise<CalibrationSession> {
    const row = await tx.calibration.findFirst({ where: { tenantId, id } });
    if (!row) throw AppError.notFound('calibration', id);
    const scorecard = await this.scorecards.find(tx, tenantId, row.scorecardId, row.scorecardVersion);
    const evaluations = await this.evaluations.byCalibration(tx, tenantId, id);
    const submitted = evaluations.filter((e: EvaluationRecord) => e.status !== 'draft');
    return {
      id: row.id,
      callId: row.callId,
      scorecard: { id: row.scorecardId, version: row.scorecardVersion },
      analystIds: row.analystIds,
      createdAt: row.createdAt.toISOString(),
      evaluations: evaluations.map((e) => ({
        analystId: e.analystId,
        evaluationId: e.id,
        status: e.status,
        percent: e.percent,
      })),
      report: calibrationSpread(
        scorecard.definition,
        submitted.map((e) => ({ analystId: e.analystId, answers: e.answers })),
      ),
    };
  }
}
