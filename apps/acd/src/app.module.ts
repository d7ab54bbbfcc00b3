import { type DynamicModule, Module } from '@nestjs/common';
import { domainStream, PlatformModule } from '@cc/platform';
import { ACD_SCHEMA, type AcdConfig } from './config';
import { AcdGrpcController } from './edge/acd.grpc-controller';
import { AcdDatabase } from './infrastructure/acd-database';
import { ConfigurationRepository } from './modules/configuration/configuration.repository';
import { RouterHost } from './modules/service/router-host.service';

export interface AppModuleOptions {
  /** Tests: restrict the acd stream to these tenants, so a suite owns its stream beside others. */
  tenants?: string[];
}

/**
 * The acd service: the platform (config, logs, metrics, health, Postgres schema `acd`, NATS with the
 * CC_ACD stream of routing facts), the router host (lease, router, forwarding) and the gRPC edge.
 */
@Module({})
export class AppModule {
  static forRoot(config: AcdConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: ACD_SCHEMA,
          messaging: {
            streams: [
              domainStream('acd', {
                prefix: config.NATS_STREAM_PREFIX,
                replicas: config.CC_JETSTREAM_REPLICAS,
                ...(options.tenants ? { tenants: options.tenants } : {}),
              }),
            ],
          },
        }),
      ],
      controllers: [AcdGrpcController],
      providers: [AcdDatabase, ConfigurationRepository, RouterHost],
    };
  }
}
