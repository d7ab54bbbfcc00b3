import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BaseConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { PostgresReadinessCheck } from '../database/postgres-readiness.check';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { HealthModule, type HealthModuleOptions } from '../health/health.module';
import { createLogger } from '../logging/logger';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import type { MessagingTopology } from '../messaging/messaging-setup.service';
import { MessagingModule } from '../messaging/messaging.module';
import { NatsReadinessCheck } from '../messaging/nats-readiness.check';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface PlatformModuleOptions<C extends BaseConfig> {
  /** The validated configuration (see loadConfig). */
  config: C;
  /** The service's Postgres schema; omit for a service without a database. */
  databaseSchema?: string;
  /**
   * The service's JetStream streams and durable consumers; connects to NATS_URL, declares them at
   * start-up, provides EventPublisher/EventConsumerService and makes readiness depend on NATS.
   */
  messaging?: MessagingTopology;
  /** Extra readiness checks (provider tokens), e.g. ARI. */
  readiness?: HealthModuleOptions['checks'];
  /** Modules that provide those checks. */
  imports?: DynamicModule['imports'];
  logger?: Logger;
}

/**
 * Everything a service shares: validated config, pino logging with trace/tenant ids, Prometheus
 * metrics, liveness/readiness, problem+json errors and (optionally) its Postgres pool.
 */
@Module({})
export class PlatformModule {
  static forRoot<C extends BaseConfig>(options: PlatformModuleOptions<C>): DynamicModule {
    const logger =
      options.logger ??
      createLogger({ service: options.config.SERVICE_NAME, level: options.config.LOG_LEVEL });
    const readiness: HealthModuleOptions['checks'] = [
      ...(options.databaseSchema ? [PostgresReadinessCheck] : []),
      ...(options.messaging ? [NatsReadinessCheck] : []),
      ...(options.readiness ?? []),
    ];
    const providers: Provider[] = [
      { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      { provide: ROOT_LOGGER, useValue: logger },
    ];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        ConfigModule.forValue(options.config),
        LoggingModule.forRoot({ logger, logRequests: options.config.NODE_ENV !== 'test' }),
        MetricsModule,
        ...(options.databaseSchema ? [DatabaseModule.forRoot({ schema: options.databaseSchema })] : []),
        ...(options.messaging
          ? [
              MessagingModule.forRoot({
                servers: options.config.NATS_URL,
                name: options.config.SERVICE_NAME,
                ...options.messaging,
              }),
            ]
          : []),
        ...(options.imports ?? []),
        HealthModule.forRoot({ checks: readiness, imports: options.imports ?? [] }),
      ],
      providers,
      exports: [ROOT_LOGGER, ConfigModule, ...(options.databaseSchema ? [DatabaseModule] : [])],
    };
  }
}

export type ConfigOf<S extends z.ZodType> = z.infer<S>;
