import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventConsumerService } from './event-consumer.service';
import { EventPublisher } from './event-publisher.service';
import {
  NATS_CONNECTION_OPTIONS,
  NatsConnectionService,
  type NatsConnectionOptions,
} from './nats-connection.service';
import { NatsHealthIndicator } from './nats-health.indicator';
import { NatsReadinessCheck } from './nats-readiness.check';
import { MessagingSetupService, MESSAGING_TOPOLOGY, type MessagingTopology } from './messaging-setup.service';

export interface MessagingModuleOptions extends NatsConnectionOptions, MessagingTopology {}

export interface MessagingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * NATS + JetStream for a service: connects at start-up, declares its streams and consumers, gives
 * `EventPublisher`, `EventConsumerService` and `NatsHealthIndicator`, drains on shutdown.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return MessagingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [...(options.imports ?? []), TerminusModule],
      providers: [
        { provide: NATS_CONNECTION_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: MESSAGING_TOPOLOGY,
          useFactory: (o: MessagingModuleOptions): MessagingTopology => ({
            streams: o.streams,
            consumers: o.consumers,
          }),
          inject: [NATS_CONNECTION_OPTIONS],
        },
        NatsConnectionService,
        MessagingSetupService,
        EventPublisher,
        EventConsumerService,
        NatsHealthIndicator,
        NatsReadinessCheck,
      ],
      exports: [
        NatsConnectionService,
        EventPublisher,
        EventConsumerService,
        NatsHealthIndicator,
        NatsReadinessCheck,
      ],
    };
  }
}
