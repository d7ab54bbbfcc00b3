import { type DynamicModule, Module } from '@nestjs/common';
import { type MessageOutcome, PlatformModule, deadLetterStream, domainStream } from '@cc/platform';
import { CAMPAIGN_SCHEMA, type CampaignConfig } from './config/campaign.config';
import { CampaignModule, type DialerPeers } from './campaign.module';
import type { Clock } from './infrastructure/clock';
import { callFactsConsumerDefinitions } from './modules/dialer/call-facts.consumer';
import {
  AcdAvailabilityAdapter,
  CrmDoNotCallAdapter,
  TelephonyOriginateAdapter,
} from './modules/dialer/peers.grpc-adapters';

export interface AppModuleOptions {
  clock?: Clock;
  /** Tests: restrict campaign's streams and consumers to these tenants. */
  tenants?: string[];
  /** Run without NATS: no facts published, no call facts consumed. */
  withoutMessaging?: boolean;
  /** Tests: the dialer's loop interval (0 = the test ticks it). */
  dialerIntervalMs?: number;
  onCallFactOutcome?: (outcome: MessageOutcome) => void;
}

/**
 * The campaign service: the platform (config, logs, metrics, health, Postgres schema `campaign`,
 * NATS with its CC_CAMPAIGN stream) and the domain: REST, the dialer (when CAMPAIGN_DIALER) with its
 * gRPC peers acd, crm and telephony, and the call-facts consumer.
 */
@Module({})
export class AppModule {
  static forRoot(config: CampaignConfig, options: AppModuleOptions = {}): DynamicModule {
    const prefix = config.NATS_STREAM_PREFIX;
    const streamOptions = { prefix, ...(options.tenants ? { tenants: options.tenants } : {}) };
    const messaging = !options.withoutMessaging;
    const peers: DialerPeers = {
      agents: () => new AcdAvailabilityAdapter(config.ACD_GRPC_URL),
      dnc: () => new CrmDoNotCallAdapter(config.CRM_GRPC_URL),
      telephony: () => new TelephonyOriginateAdapter(config.TELEPHONY_GRPC_URL),
    };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: CAMPAIGN_SCHEMA,
          ...(messaging
            ? {
                messaging: {
                  streams: [domainStream('campaign', streamOptions), deadLetterStream(streamOptions)],
                },
              }
            : {}),
        }),
        CampaignModule.forRoot({
          ...(options.clock ? { clock: options.clock } : {}),
          ...(config.CAMPAIGN_DIALER
            ? {
                dialer: { intervalMs: options.dialerIntervalMs ?? config.CAMPAIGN_DIALER_INTERVAL_MS, peers },
              }
            : {}),
          ...(messaging
            ? {
                callFacts: {
                  definitions: callFactsConsumerDefinitions(prefix, options.tenants),
                  ...(options.onCallFactOutcome ? { onOutcome: options.onCallFactOutcome } : {}),
                },
              }
            : {}),
        }),
      ],
    };
  }
}
