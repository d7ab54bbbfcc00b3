import { Controller, Get, Param } from '@nestjs/common';
import { AppError, TenantApi } from '@cc/platform';
import { QaDatabase } from '../../infrastructure/qa-database';
import { callView } from './call.view';
import { CallsRepository } from './calls.repository';

/** A call as qa knows it: timeline, parties, automatic checks, recording id. */
@Controller('v1/qa/calls')
@TenantApi()
export class CallsController {
  constructor(
    private readonly database: QaDatabase,
    private readonly calls: CallsRepository,
  ) {}

  @Get(':callId')
  async get(@Param('callId') callId: string) {
    const row = await this.database.tenant((tx, tenantId) => this.calls.get(tx, tenantId, callId));
    if (!row) throw AppError.notFound('call', callId);
    return callView(row);
  }
}
