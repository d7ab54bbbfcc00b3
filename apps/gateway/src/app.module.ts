import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@cc/platform';
import { deadLetterStream, domainStream } from '@cc/platform/dist/messaging';
import { GATEWAY_SCHEMA, type GatewayConfig } from './config/gateway.config';
import { GatewayModule, type GatewayModuleOptions } from './gateway.module';
import { fanoutConsumerDefinitions } from './modules/webhooks/webhook-fanout.consumer';
import { WEBHOOK_DOMAINS } from './modules/webhooks/webhook.schema';

export interface AppModuleOptions extends Omit<GatewayModuleOptions, 'webhooks'> {
  /** Tests: restrict the consumed streams to these tenants, so a suite owns its streams. */
  tenants?: string[];
}

/**
 * The gateway: the platform (config, logs, metrics, health, Postgres schema `gateway`), NATS when
 * webhooks are on (it declares the domain streams it consumes: declaring is idempotent), and the APIs.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, options: AppModuleOptions = {}): DynamicModule {
    const prefix = config.NATS_STREAM_PREFIX;
    const streamOptions = {
      prefix,
      replicas: config.CC_JETSTREAM_REPLICAS,
      ...(options.tenants ? { tenants: options.tenants } : {}),
    };
    const webhooks = config.WEBHOOKS_ENABLED;
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: GATEWAY_SCHEMA,
          ...(webhooks
            ? {
                messaging: {
                  streams: [
                    ...WEBHOOK_DOMAINS.map((d) => domainStream(d, streamOptions)),
                    deadLetterStream(streamOptions),
                  ],
                  consumers: fanoutConsumerDefinitions(prefix, options.tenants),
                },
              }
            : {}),
        }),
        GatewayModule.forRoot({
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.sender ? { sender: options.sender } : {}),
          webhooks: webhooks ? { ...(options.tenants ? { tenants: options.tenants } : {}) } : false,
        }),
      ],
    };
  }
}
