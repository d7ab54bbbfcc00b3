import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { ProblemDetails } from '@cc/contracts';
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { AppError, ErrorKind } from './app-error';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  [ErrorKind.InvalidArgument]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.PermissionDenied]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.AlreadyExists]: 409,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.FailedPrecondition]: 412,
  [ErrorKind.RateLimited]: 429,
  [ErrorKind.Internal]: 500,
  [ErrorKind.Unavailable]: 503,
  [ErrorKind.DeadlineExceeded]: 504,
};

export function httpStatusOf(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

/** Turns any error into an RFC 9457 problem+json response; never leaks internals of a 5xx. */
export function toProblem(
  error: unknown,
  instance?: string,
): { status: number; problem: ProblemDetails; retryAfter?: number } {
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  const base = { ...(instance ? { instance } : {}), ...(traceId ? { traceId } : {}) };
  if (error instanceof AppError) {
    const status = STATUS_BY_KIND[error.kind];
    const problem: ProblemDetails = {
      type: `https://errors.callcenter.dev/${error.code ?? error.kind}`,
      title: titleOf(status),
      status,
      detail: status >= 500 ? 'The server could not complete the request.' : error.message,
      code: error.code ?? error.kind,
      ...base,
    };
    if (error.violations.length > 0) problem.errors = error.violations;
    return error.retryAfterSeconds === undefined
      ? { status, problem }
      : { status, problem, retryAfter: error.retryAfterSeconds };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const problem: ProblemDetails = {
      type:
        status === 404
          ? 'https://errors.callcenter.dev/not_found'
          : `https://errors.callcenter.dev/http_${status}`,
      title: titleOf(status),
      status,
      detail:
        status >= 500 ? 'The server could not complete the request.' : (stringify(detail) ?? error.message),
      ...base,
    };
    return { status, problem };
  }
  const status = errorStatus(error);
  if (status !== undefined && status >= 400 && status < 500) {
    // body-parser errors (malformed JSON, entity too large, bad charset) carry a status and a type.
    const type = (error as { type?: string }).type ?? `http_${status}`;
    const detail =
      status === 413 ? 'The request body is too large.' : 'The request body could not be parsed.';
    return {
      status,
      problem: {
        type: `https://errors.callcenter.dev/${type}`,
        title: titleOf(status),
        status,
        detail,
        errors: [{ field: '(body)', rule: type, message: (error as Error).message }],
        ...base,
      },
    };
  }
  return {
    status: 500,
    problem: {
      type: 'https://errors.callcenter.dev/internal',
      title: titleOf(500),
      status: 500,
      detail: 'The server could not complete the request.',
      ...base,
    },
  };
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown };
  const s = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof s === 'number' ? s : undefined;
}

function stringify(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function titleOf(status: number): string {
  const name: string | undefined = HttpStatus[status];
  if (!name) return status >= 500 ? 'Server Error' : 'Client Error';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { status, problem, retryAfter } = toProblem(error, request.originalUrl ?? request.url);
    if (status >= 500) this.logger.error({ err: error, path: request.url }, 'request failed');
    if (response.headersSent) return;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
