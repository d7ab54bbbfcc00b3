import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { QaDatabase } from '../../infrastructure/qa-database';
import { ScorecardsRepository } from '../scorecards/scorecards.repository';
import { type QaSettings, QaSettingsInputSchema } from './qa-settings.model';
import { QaSettingsRepository } from './qa-settings.repository';

@Injectable()
export class QaSettingsService {
  constructor(
    private readonly database: QaDatabase,
    private readonly settings: QaSettingsRepository,
    private readonly scorecards: ScorecardsRepository,
  ) {}

  get(): Promise<QaSettings> {
    return this.database.tenant((tx, tenantId) => this.settings.get(tx, tenantId));
  }

  put(body: unknown): Promise<QaSettings> {
    const input = parseOrThrow(QaSettingsInputSchema, body, 'body');
    return this.database.tenant(async (tx, tenantId) => {
      const current = await this.settings.get(tx, tenantId);
      if (
        input.defaultScorecardId &&
        !(await this.scorecards.latest(tx, tenantId, input.defaultScorecardId))
      ) {
        throw AppError.invalid([
          {
            field: 'body.defaultScorecardId',
            rule: 'exists',
            message: `no scorecard ${input.defaultScorecardId}`,
          },
        ]);
      }
      const next: QaSettings = {
        samplingRules: { ...current.samplingRules, ...input.samplingRules },
        checkLimits: { ...current.checkLimits, ...input.checkLimits },
        analystIds: input.analystIds ?? current.analystIds,
        samplingSeed: input.samplingSeed ?? current.samplingSeed,
        timeZone: input.timeZone ?? current.timeZone,
        scoreWindowDays: input.scoreWindowDays ?? current.scoreWindowDays,
        defaultScorecardId:
          input.defaultScorecardId === undefined ? current.defaultScorecardId : input.defaultScorecardId,
      };
      await this.settings.put(tx, tenantId, next);
      return next;
    });
  }
}
