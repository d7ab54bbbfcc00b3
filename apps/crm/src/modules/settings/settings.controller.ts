import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import { ValueService } from '../value/value.service';
import { SettingsService } from './settings.service';

/** The tenant's crm settings, custom field definitions and value tier maintenance. */
@Controller('v1')
@TenantApi()
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly value: ValueService,
  ) {}

  @Get('settings')
  get() {
    return this.settings.get();
  }

  @Put('settings')
  put(@Body() body: unknown) {
    return this.settings.put(body);
  }

  @Get('custom-fields')
  async listFields() {
    return { items: await this.settings.listFields() };
  }

  @Put('custom-fields/:key')
  putField(@Param('key') key: string, @Body() body: unknown) {
    return this.settings.putField(key, body);
  }

  @Delete('custom-fields/:key')
  @HttpCode(204)
  async deleteField(@Param('key') key: string): Promise<void> {
    await this.settings.deleteField(key);
  }

  /** Re-ranks the tenant's value tiers (after a policy change or a bulk load of values). */
  @Post('value-tiers/recompute')
  @HttpCode(200)
  recompute() {
    return this.value.recompute();
  }
}
