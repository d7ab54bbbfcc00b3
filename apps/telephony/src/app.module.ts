import { type DynamicModule, Module } from '@nestjs/common';
import { deadLetterStream, domainStream, PlatformModule } from '@cc/platform';
import { TELEPHONY_SCHEMA, type TelephonyConfig } from './config/telephony.config';
import { TelephonyEngineHost } from './modules/calls/telephony-engine.provider';
import { callHistoryConsumerDefinitions } from './modules/history/call-history.consumer';
import { CallHistoryModule, TelephonyModule } from './telephony.module';

/**
 * The telephony service: the platform (config, logs, metrics, health), its JetStream stream of call
 * facts (and its consumer of them: the call history), and the engine (ARI readiness joins NATS in
 * /health/ready).
 */
@Module({})
export class AppModule {
  static forRoot(config: TelephonyConfig, options: { tenants?: string[] } = {}): DynamicModule {
    const streamOptions = {
      prefix: config.NATS_STREAM_PREFIX,
      replicas: config.CC_JETSTREAM_REPLICAS,
      ...(options.tenants ? { tenants: options.tenants } : {}),
    };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: TELEPHONY_SCHEMA,
          messaging: {
            streams: [domainStream('telephony', streamOptions), deadLetterStream(streamOptions)],
            consumers: callHistoryConsumerDefinitions(config.NATS_STREAM_PREFIX, options.tenants),
          },
          readiness: [TelephonyEngineHost],
          imports: [TelephonyModule],
        }),
        TelephonyModule,
        CallHistoryModule.forRoot(options.tenants ? { tenants: options.tenants } : {}),
      ],
    };
  }
}
