import type { INestApplication } from '@nestjs/common';
import { type IEntryNestModule, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParseErrorHandler } from '../errors/body-parse-error.handler';
import type { BaseConfig } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';

export interface StartServiceOptions {
  config: BaseConfig;
  /** Largest JSON body accepted; larger requests get 413 problem+json. */
  bodyLimit?: string;
  /** Called after the app is created and before it listens: connect microservices (gRPC) here. */
  beforeListen?: (app: INestApplication) => Promise<void> | void;
}

/**
 * Creates, configures and starts one service's HTTP server (and whatever `beforeListen` adds).
 * Every app's main.ts is `startTelemetry(name)` then `startService(AppModule, { config })`.
 */
export async function startService(
  rootModule: IEntryNestModule,
  options: StartServiceOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    bufferLogs: true,
    bodyParser: false,
    // Throw instead of process.exit(1) so callers (tests, the demo) see the reason.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const limit = options.bodyLimit ?? '1mb';
  app.use(json({ limit, type: ['application/json', 'application/*+json'] }));
  app.use(urlencoded({ limit, extended: false }));
  app.use(bodyParseErrorHandler);
  app.enableShutdownHooks();
  app.get(MetricsService).setServiceLabel(options.config.SERVICE_NAME);
  await options.beforeListen?.(app);
  await app.startAllMicroservices();
  await app.listen(options.config.PORT, '0.0.0.0');
  return app;
}
