import { HttpException, HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { GrpcMetadataKey } from '@cc/contracts';
import { AppError, ErrorKind, isAppError } from '../errors/app-error';
import {
  decodeGrpcProblem,
  encodeGrpcProblem,
  grpcStatusForKind,
  kindForGrpcStatus,
} from './grpc-status.mapping';

/** What we hand to grpc-js as a call's failure: it reads `code`, `details` and `metadata` (trailers). */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: GrpcStatus,
    readonly details: string,
    readonly metadata: Metadata,
  ) {
    super(details);
    this.name = 'GrpcStatusError';
  }
}

const INTERNAL_MESSAGE = 'internal error';

/** Kinds whose message we hide: they describe our internals, not the caller's request. */
function publicMessage(error: AppError): string {
  return error.kind === ErrorKind.Internal ? INTERNAL_MESSAGE : error.message;
}

/** Nest's HttpExceptions (thrown by shared code or pipes) by status; any other status is internal. */
const KIND_BY_HTTP_STATUS: ReadonlyMap<number, ErrorKind> = new Map([
  [HttpStatus.BAD_REQUEST, ErrorKind.InvalidArgument],
  [HttpStatus.UNPROCESSABLE_ENTITY, ErrorKind.InvalidArgument],
  [HttpStatus.UNAUTHORIZED, ErrorKind.Unauthenticated],
  [HttpStatus.FORBIDDEN, ErrorKind.PermissionDenied],
  [HttpStatus.NOT_FOUND, ErrorKind.NotFound],
  [HttpStatus.CONFLICT, ErrorKind.Conflict],
  [HttpStatus.PRECONDITION_FAILED, ErrorKind.FailedPrecondition],
  [HttpStatus.TOO_MANY_REQUESTS, ErrorKind.RateLimited],
  [HttpStatus.SERVICE_UNAVAILABLE, ErrorKind.Unavailable],
  [HttpStatus.GATEWAY_TIMEOUT, ErrorKind.DeadlineExceeded],
]);

function isStatusLike(value: unknown): value is { code: number; details?: unknown; message?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'number' &&
    Number.isInteger(value.code) &&
    value.code > 0 &&
    value.code <= 16
  );
}

/**
 * Server side: any error a handler throws -> the status grpc-js sends. An AppError keeps its kind,
 * message, code and violations (in the `cc-problem-bin` trailer); an RpcException carrying a status
 * code passes through; anything else is INTERNAL with a generic message, so that no stack, SQL or
 * host name leaks to a caller. `internal` tells the caller's logger whether to log the cause.
 */
export function toGrpcStatusError(error: unknown): { status: GrpcStatusError; internal: boolean } {
  let appError: AppError;
  if (isAppError(error)) {
    appError = error;
  } else if (error instanceof GrpcStatusError) {
    return { status: error, internal: error.code === GrpcStatus.INTERNAL };
  } else if (error instanceof RpcException && isStatusLike(error.getError())) {
    const rpc = error.getError() as { code: GrpcStatus; details?: unknown; message?: unknown };
    const details =
      typeof rpc.details === 'string' ? rpc.details : typeof rpc.message === 'string' ? rpc.message : '';
    appError = new AppError(kindForGrpcStatus(rpc.code), details);
  } else if (error instanceof HttpException) {
    const kind = KIND_BY_HTTP_STATUS.get(error.getStatus()) ?? ErrorKind.Internal;
    appError = new AppError(kind, error.message, { cause: error });
  } else {
    appError = new AppError(ErrorKind.Internal, INTERNAL_MESSAGE, { cause: error });
  }
  const metadata = new Metadata();
  metadata.set(
    GrpcMetadataKey.Problem,
    encodeGrpcProblem({
      kind: appError.kind,
      code: appError.code ?? appError.kind,
      violations: appError.violations,
      ...(appError.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: appError.retryAfterSeconds }),
    }),
  );
  return {
    status: new GrpcStatusError(grpcStatusForKind(appError.kind), publicMessage(appError), metadata),
    internal: appError.kind === ErrorKind.Internal,
  };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && isStatusLike(error);
}

/**
 * Client side: a failed call -> an AppError with the kind of its status code and, when the server is
 * one of ours, the code, violations and retry hint from the `cc-problem-bin` trailer. Errors that are
 * not gRPC statuses (a bug in our own client code) become `internal`.
 */
export function fromGrpcError(error: unknown, method?: string): AppError {
  if (isAppError(error)) return error;
  if (!isServiceError(error)) {
    return new AppError(ErrorKind.Internal, method ? `gRPC call ${method} failed` : 'gRPC call failed', {
      cause: error,
    });
  }
  const kind = kindForGrpcStatus(error.code);
  const trailer = error.metadata?.get(GrpcMetadataKey.Problem)[0];
  const problem = decodeGrpcProblem(trailer);
  const message = error.details || `${method ? `${method}: ` : ''}${GrpcStatus[error.code]}`;
  // Statuses that are not the primary status of their kind keep their own name, e.g. `grpc.cancelled`.
  const defaultCode =
    grpcStatusForKind(kind) === error.code ? kind : `grpc.${GrpcStatus[error.code].toLowerCase()}`;
  return new AppError(kind, message, {
    code: problem?.code ?? defaultCode,
    violations: problem?.violations ?? [],
    cause: error,
    ...(problem?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: problem.retryAfterSeconds }),
  });
}
