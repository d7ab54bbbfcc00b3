import { type DynamicModule, Module } from '@nestjs/common';
import { TelephonyGrpcController } from './edge/telephony.grpc-controller';
import { TelephonyDatabase } from './infrastructure/telephony-database';
import { DidsController } from './modules/admin/dids.controller';
import { IvrFlowsController } from './modules/admin/ivr-flows.controller';
import { SettingsController } from './modules/admin/settings.controller';
import { TelephonyEngineHost } from './modules/calls/telephony-engine.provider';
import { EntryPointsCache } from './modules/entry-points/entry-points-cache.provider';
import { EntryPointsRepository } from './modules/entry-points/entry-points.repository';
import {
  CALL_HISTORY_OPTIONS,
  CallHistoryConsumer,
  type CallHistoryOptions,
} from './modules/history/call-history.consumer';
import { CallHistoryRepository } from './modules/history/call-history.repository';
import { RecordingsController } from './modules/history/recordings.controller';

@Module({
  controllers: [
    IvrFlowsController,
    DidsController,
    SettingsController,
    RecordingsController,
    TelephonyGrpcController,
  ],
  providers: [
    TelephonyDatabase,
    EntryPointsRepository,
    EntryPointsCache,
    TelephonyEngineHost,
    CallHistoryRepository,
  ],
  exports: [TelephonyEngineHost, TelephonyDatabase, CallHistoryRepository],
})
export class TelephonyModule {}

/** The call history's consumer of this service's own facts (needs the MessagingModule). */
@Module({})
export class CallHistoryModule {
  static forRoot(options: CallHistoryOptions): DynamicModule {
    return {
      module: CallHistoryModule,
      imports: [TelephonyModule],
      providers: [{ provide: CALL_HISTORY_OPTIONS, useValue: options }, CallHistoryConsumer],
    };
  }
}
