import { Module } from '@nestjs/common';
import { TelephonyEngineHost } from './modules/calls/telephony-engine.provider';
import { IvrFlowsController } from './modules/flows/ivr-flows.controller';

@Module({
  controllers: [IvrFlowsController],
  providers: [TelephonyEngineHost],
  exports: [TelephonyEngineHost],
})
export class TelephonyModule {}
