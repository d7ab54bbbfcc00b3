import { Body, Controller, Param, Patch } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import { leadView } from './lead.view';
import { LeadsService } from './leads.service';

@Controller('v1/leads')
@TenantApi()
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    return leadView(await this.leads.update(id, body));
  }
}
