import { Body, Controller, Get, Put } from '@nestjs/common';
import { ZodValidationPipe } from '@cc/platform';
import type { z } from 'zod';
import { TenantApi } from '@cc/platform';
import type { TenantTelephonySettings } from '../entry-points/entry-point.types';
import { EntryPointsRepository } from '../entry-points/entry-points.repository';
import { SettingsSchema } from './admin.schemas';

/** The tenant's telephony policy: time zone, holidays, recording, prompts, announcements. */
@Controller('v1/telephony-settings')
@TenantApi()
export class SettingsController {
  constructor(private readonly repository: EntryPointsRepository) {}

  @Get()
  get(): Promise<TenantTelephonySettings> {
    return this.repository.getSettings();
  }

  @Put()
  put(
    @Body(new ZodValidationPipe(SettingsSchema, 'body')) body: z.infer<typeof SettingsSchema>,
  ): Promise<TenantTelephonySettings> {
    return this.repository.putSettings({
      ...body,
      consentPrompt: body.consentPrompt.length > 0 ? body.consentPrompt : undefined,
    });
  }
}
