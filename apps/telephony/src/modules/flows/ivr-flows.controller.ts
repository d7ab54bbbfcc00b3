import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { TenantApi } from '../../edge/tenant-header.guard';
import { validateIvrFlow } from './ivr-flow.validation';

/** Flow admin (x-tenant-id until the gateway fronts it). Saving lands with the entry-point tables. */
@Controller('v1/ivr-flows')
@TenantApi()
export class IvrFlowsController {
  /** Checks a flow as saving would: 200 with the normalized flow, or 400 naming every broken rule. */
  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown): { valid: true; flow: unknown } {
    const result = validateIvrFlow(body);
    if (!result.ok) throw AppError.invalid(result.violations, 'the IVR flow is invalid');
    return { valid: true, flow: result.flow };
  }
}
