import { Injectable } from '@nestjs/common';
import { CheckLimitsSchema } from '../auto-checks/auto-check.model';
import type { QaTx } from '../../infrastructure/qa-database';
import { SamplingRulesSchema } from '../sampling/sampling.util';
import { defaultSettings, type QaSettings } from './qa-settings.model';

@Injectable()
export class QaSettingsRepository {
  async get(tx: QaTx, tenantId: string): Promise<QaSettings> {
    const row = await tx.qaSettings.findUnique({ where: { tenantId } });
    if (!row) return defaultSettings(tenantId);
    return {
      // Parsing fills defaults added since the row was written.
      samplingRules: SamplingRulesSchema.parse(row.samplingRules),
      checkLimits: CheckLimitsSchema.parse(row.checkLimits),
      analystIds: row.analystIds,
      samplingSeed: row.samplingSeed,
      timeZone: row.timeZone,
      scoreWindowDays: row.scoreWindowDays,
      defaultScorecardId: row.defaultScorecardId,
    };
  }

  async put(tx: QaTx, tenantId: string, settings: QaSettings): Promise<void> {
    const data = {
      samplingRules: settings.samplingRules,
      checkLimits: settings.checkLimits,
      analystIds: settings.analystIds,
      samplingSeed: settings.samplingSeed,
      timeZone: settings.timeZone,
      scoreWindowDays: settings.scoreWindowDays,
      defaultScorecardId: settings.defaultScorecardId,
    };
    await tx.qaSettings.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
  }
}
