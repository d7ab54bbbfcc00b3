import { type DynamicModule, Module } from '@nestjs/common';
import {
  PlatformModule,
  deadLetterStream,
  domainStream,
  DEFAULT_OUTBOX_RELAY,
  type OutboxRelayOptions,
} from '@cc/platform';
import { CRM_SCHEMA, type CrmConfig } from './config/crm.config';
import { CrmModule, type CrmModuleOptions } from './crm.module';
import type { Clock } from './infrastructure/clock';
import {
  callFactsConsumerDefinitions,
  type CallFactsConsumerOptions,
} from './modules/interactions/call-facts.consumer';

export interface AppModuleOptions {
  /** Tests: restrict crm's streams to these tenants, so a suite owns its streams beside others. */
  tenants?: string[];
  onCallFactOutcome?: CallFactsConsumerOptions['onOutcome'];
  outboxRelay?: Partial<OutboxRelayOptions>;
  clock?: Clock;
}

/**
 * The crm service: the platform (config, logs, metrics, health, Postgres in schema `crm`), NATS
 * (its CC_CRM stream, the call-facts consumer) when CRM_CONSUME_CALL_FACTS is on, and the domain.
 */
@Module({})
export class AppModule {
  static forRoot(config: CrmConfig, options: AppModuleOptions = {}): DynamicModule {
    const prefix = config.NATS_STREAM_PREFIX;
    const messaging = config.CRM_CONSUME_CALL_FACTS;
    const crm: CrmModuleOptions = {
      ...(messaging ? { outboxRelay: { ...DEFAULT_OUTBOX_RELAY, ...options.outboxRelay } } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(messaging
        ? {
            callFacts: {
              definitions: callFactsConsumerDefinitions(prefix, options.tenants),
              ...(options.onCallFactOutcome ? { onOutcome: options.onCallFactOutcome } : {}),
            },
          }
        : {}),
    };
    const streamOptions = { prefix, ...(options.tenants ? { tenants: options.tenants } : {}) };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: CRM_SCHEMA,
          ...(messaging
            ? {
                messaging: { streams: [domainStream('crm', streamOptions), deadLetterStream(streamOptions)] },
              }
            : {}),
        }),
        CrmModule.forRoot(crm),
      ],
    };
  }
}
