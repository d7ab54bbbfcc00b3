import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { TenantContext } from '../tenancy/tenant-context';

export interface CreateLoggerOptions {
  service: string;
  level?: LoggerOptions['level'];
  /** Where lines go; stdout by default (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

/**
 * Correlation fields for the current line: the active trace/span (so a log line links to its trace)
 * and the tenant and actor of the current context.
 */
export function correlationFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const span = trace.getActiveSpan();
  const spanContext = span?.spanContext();
  if (spanContext && spanContext.traceId !== '00000000000000000000000000000000') {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  const tenant = TenantContext.current();
  if (tenant) {
    fields.tenantId = tenant.tenantId;
    if (tenant.actor) fields.actor = tenant.actor;
  }
  return fields;
}

/** One JSON line per event with service, trace and tenant ids; secrets redacted by path. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }) },
    mixin: correlationFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.password',
        '*.apiKey',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
