import { status as GrpcStatus } from '@grpc/grpc-js';
import { FieldViolationSchema } from '@cc/contracts';
import { z } from 'zod';
import { ErrorKind } from '../errors/app-error';

/**
 * ErrorKind -> gRPC status code, following google.rpc.Code's guidance: a version conflict
 * (optimistic concurrency, stale revision) is ABORTED, "retry the whole read-modify-write"; a rate
 * limit is RESOURCE_EXHAUSTED. The switch is exhaustive, so a new kind cannot be forgotten here.
 */
export function grpcStatusForKind(kind: ErrorKind): GrpcStatus {
  switch (kind) {
    case ErrorKind.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case ErrorKind.NotFound:
      return GrpcStatus.NOT_FOUND;
    case ErrorKind.AlreadyExists:
      return GrpcStatus.ALREADY_EXISTS;
    case ErrorKind.Conflict:
      return GrpcStatus.ABORTED;
    case ErrorKind.FailedPrecondition:
      return GrpcStatus.FAILED_PRECONDITION;
    case ErrorKind.Unauthenticated:
      return GrpcStatus.UNAUTHENTICATED;
    case ErrorKind.PermissionDenied:
      return GrpcStatus.PERMISSION_DENIED;
    case ErrorKind.RateLimited:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case ErrorKind.Unavailable:
      return GrpcStatus.UNAVAILABLE;
    case ErrorKind.DeadlineExceeded:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case ErrorKind.Internal:
      return GrpcStatus.INTERNAL;
  }
}

/**
 * gRPC status code -> ErrorKind. The inverse of grpcStatusForKind for the codes it produces; the
 * other codes fold into the nearest kind: OUT_OF_RANGE is a bad argument; CANCELLED (the call was
 * cancelled before an answer) is treated like an unavailable peer, because the caller got no
 * answer and may retry an idempotent call; UNKNOWN, UNIMPLEMENTED and DATA_LOSS are internal.
 */
export function kindForGrpcStatus(code: GrpcStatus): ErrorKind {
  switch (code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return ErrorKind.InvalidArgument;
    case GrpcStatus.NOT_FOUND:
      return ErrorKind.NotFound;
    case GrpcStatus.ALREADY_EXISTS:
      return ErrorKind.AlreadyExists;
    case GrpcStatus.ABORTED:
      return ErrorKind.Conflict;
    case GrpcStatus.FAILED_PRECONDITION:
      return ErrorKind.FailedPrecondition;
    case GrpcStatus.UNAUTHENTICATED:
      return ErrorKind.Unauthenticated;
    case GrpcStatus.PERMISSION_DENIED:
      return ErrorKind.PermissionDenied;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return ErrorKind.RateLimited;
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.CANCELLED:
      return ErrorKind.Unavailable;
    case GrpcStatus.DEADLINE_EXCEEDED:
      return ErrorKind.DeadlineExceeded;
    case GrpcStatus.OK:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.INTERNAL:
    case GrpcStatus.DATA_LOSS:
      return ErrorKind.Internal;
  }
}

/**
 * What the `cc-problem-bin` trailer carries besides the status code and message: the parts of an
 * AppError a client needs to rebuild it. The status code stays the authority for the kind.
 */
export const GrpcProblemSchema = z.object({
  kind: z.enum(ErrorKind),
  code: z.string().optional(),
  violations: z.array(FieldViolationSchema).default([]),
  retryAfterSeconds: z.number().nonnegative().optional(),
});
export type GrpcProblem = z.infer<typeof GrpcProblemSchema>;

export function encodeGrpcProblem(problem: GrpcProblem): Buffer {
  return Buffer.from(JSON.stringify(problem), 'utf8');
}

/** The trailer's problem, or undefined when it is absent or not ours (never throws: it comes from a peer). */
export function decodeGrpcProblem(value: Buffer | string | undefined): GrpcProblem | undefined {
  if (value === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    const parsed = GrpcProblemSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
