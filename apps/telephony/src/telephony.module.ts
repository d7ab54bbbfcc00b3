import { Module } from '@nestjs/common';
import { TelephonyGrpcController } from './edge/telephony.grpc-controller';
import { TelephonyDatabase } from './infrastructure/telephony-database';
import { DidsController } from './modules/admin/dids.controller';
import { IvrFlowsController } from './modules/admin/ivr-flows.controller';
import { SettingsController } from './modules/admin/settings.controller';
import { TelephonyEngineHost } from './modules/calls/telephony-engine.provider';
import { EntryPointsCache } from './modules/entry-points/entry-points-cache.provider';
import { EntryPointsRepository } from './modules/entry-points/entry-points.repository';

@Module({
  controllers: [IvrFlowsController, DidsController, SettingsController, TelephonyGrpcController],
  providers: [TelephonyDatabase, EntryPointsRepository, EntryPointsCache, TelephonyEngineHost],
  exports: [TelephonyEngineHost],
})
export class TelephonyModule {}
