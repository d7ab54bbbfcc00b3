import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, deadLetterStream, domainStream } from '@cc/platform';
import { CAMPAIGN_SCHEMA, type CampaignConfig } from './config/campaign.config';
import { CampaignModule, type CampaignModuleOptions } from './campaign.module';

export interface AppModuleOptions extends CampaignModuleOptions {
  /** Tests: restrict campaign's streams to these tenants, so a suite owns its streams beside others. */
  tenants?: string[];
  /** Run without NATS (no facts published). */
  withoutMessaging?: boolean;
}

/** The campaign service: the platform (config, logs, metrics, health, Postgres schema `campaign`, NATS) and the domain. */
@Module({})
export class AppModule {
  static forRoot(config: CampaignConfig, options: AppModuleOptions = {}): DynamicModule {
    const streamOptions = {
      prefix: config.NATS_STREAM_PREFIX,
      ...(options.tenants ? { tenants: options.tenants } : {}),
    };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: CAMPAIGN_SCHEMA,
          ...(options.withoutMessaging
            ? {}
            : {
                messaging: {
                  streams: [domainStream('campaign', streamOptions), deadLetterStream(streamOptions)],
                },
              }),
        }),
        CampaignModule.forRoot(options.clock ? { clock: options.clock } : {}),
      ],
    };
  }
}
