import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

export interface LoggingModuleOptions {
  logger: Logger;
  /** Log every HTTP request once it completes (off in tests to keep output short). */
  logRequests?: boolean;
}

/** Nest's logger and per-request logging through pino, sharing the one root logger. */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: options.logger,
            autoLogging: (options.logRequests ?? true) ? { ignore: (req) => isProbe(req.url) } : false,
            quietReqLogger: true,
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

/** Probes and scrapes every few seconds would drown the useful lines. */
function isProbe(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/health') || url === '/metrics');
}
