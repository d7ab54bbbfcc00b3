import { type DynamicModule, Module } from '@nestjs/common';
import {
  PlatformModule,
  deadLetterStream,
  domainStream,
  DEFAULT_OUTBOX_RELAY,
  type OutboxRelayOptions,
} from '@cc/platform';
import { QA_SCHEMA, type QaConfig } from './config/qa.config';
import type { Clock } from './infrastructure/clock';
import {
  callFactsConsumerDefinitions,
  type CallFactsConsumerOptions,
} from './modules/calls/call-facts.consumer';
import { QaModule, type QaModuleOptions } from './qa.module';

export interface AppModuleOptions {
  /** Tests: restrict qa's streams to these tenants, so a suite owns its streams beside others. */
  tenants?: string[];
  onCallFactOutcome?: CallFactsConsumerOptions['onOutcome'];
  outboxRelay?: Partial<OutboxRelayOptions>;
  clock?: Clock;
}

/**
 * The qa service: the platform (config, logs, metrics, health, Postgres in schema `qa`), NATS (its
 * CC_QA stream, the call-facts consumer, the outbox relay) when QA_CONSUME_CALL_FACTS is on, and
 * the domain.
 */
@Module({})
export class AppModule {
  static forRoot(config: QaConfig, options: AppModuleOptions = {}): DynamicModule {
    const prefix = config.NATS_STREAM_PREFIX;
    const messaging = config.QA_CONSUME_CALL_FACTS;
    const qa: QaModuleOptions = {
      ...(messaging ? { outboxRelay: { ...DEFAULT_OUTBOX_RELAY, ...options.outboxRelay } } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      scoreAgeing: { intervalMs: config.QA_SCORE_AGEING_INTERVAL_MS },
      ...(messaging
        ? {
            callFacts: {
              definitions: callFactsConsumerDefinitions(prefix, options.tenants),
              ...(options.onCallFactOutcome ? { onOutcome: options.onCallFactOutcome } : {}),
            },
          }
        : {}),
    };
    const streamOptions = {
      prefix,
      replicas: config.CC_JETSTREAM_REPLICAS,
      ...(options.tenants ? { tenants: options.tenants } : {}),
    };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: QA_SCHEMA,
          ...(messaging
            ? { messaging: { streams: [domainStream('qa', streamOptions), deadLetterStream(streamOptions)] } }
            : {}),
        }),
        QaModule.forRoot(qa),
      ],
    };
  }
}
