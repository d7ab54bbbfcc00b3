import { Body, Controller, Get, Put } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import type { QaSettings } from './qa-settings.model';
import { QaSettingsService } from './qa-settings.service';

/** The tenant's QA settings: sampling rules and seed, check limits, analysts, zone, score window. */
@Controller('v1/qa/settings')
@TenantApi()
export class QaSettingsController {
  constructor(private readonly settings: QaSettingsService) {}

  @Get()
  get(): Promise<QaSettings> {
    return this.settings.get();
  }

  @Put()
  put(@Body() body: unknown): Promise<QaSettings> {
    return this.settings.put(body);
  }
}
