import type { FieldViolation } from '@cc/contracts';

/**
 * The transport-neutral error kinds every service raises. HTTP maps them to status codes and
 * problem+json; gRPC maps them to status codes and back (see grpc/); NATS consumers map them to
 * ack/nak/term. Add a kind only with its mapping in all three.
 */
export enum ErrorKind {
  InvalidArgument = 'invalid_argument',
  NotFound = 'not_found',
  AlreadyExists = 'already_exists',
  Conflict = 'conflict',
  FailedPrecondition = 'failed_precondition',
  Unauthenticated = 'unauthenticated',
  PermissionDenied = 'permission_denied',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
  DeadlineExceeded = 'deadline_exceeded',
  Internal = 'internal',
}

export interface AppErrorOptions {
  /** A stable, machine-readable code such as `crm.customer_not_found`. */
  code?: string;
  violations?: FieldViolation[];
  cause?: unknown;
  /** Seconds a client should wait before retrying (rate limits, unavailability). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: string | undefined;
  readonly violations: FieldViolation[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.violations = options.violations ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static invalid(violations: FieldViolation[], message?: string): AppError {
    return new AppError(
      ErrorKind.InvalidArgument,
      message ?? violations.map((v) => `${v.field}: ${v.message}`).join('; '),
      { code: 'invalid_argument', violations },
    );
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError(ErrorKind.NotFound, id ? `${what} ${id} not found` : `${what} not found`, {
      code: 'not_found',
    });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
