import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import { CalibrationService } from './calibration.service';

/** Calibration sessions: several analysts, one call, the spread per question. */
@Controller('v1/qa/calibrations')
@TenantApi()
export class CalibrationController {
  constructor(private readonly calibration: CalibrationService) {}

  @Post()
  create(@Body() body: unknown) {
    return this.calibration.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.calibration.get(id);
  }
}
