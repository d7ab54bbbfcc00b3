import { AppError, ErrorKind } from '@cc/platform';

export type UpstreamName = 'acd' | 'crm' | 'telephony';

/** A fronted service that cannot answer now: a quick 503 with Retry-After, never a hang or a 500. */
export function upstreamUnavailable(service: UpstreamName, cause?: unknown): AppError {
  return new AppError(ErrorKind.Unavailable, `${service} is unavailable; retry shortly`, {
    code: 'upstream_unavailable',
    retryAfterSeconds: 1,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * An error of a fronted service as the gateway answers it: its refusals (not found, invalid input
 * naming the field, conflicts) pass through; a service that is down, slow or not configured is 503.
 * A refusal to authenticate the gateway itself is the gateway's fault (500), not the client's.
 */
export function fromUpstream(service: UpstreamName, error: unknown): AppError {
  if (!(error instanceof AppError)) return upstreamUnavailable(service, error);
  switch (error.kind) {
    case ErrorKind.Unavailable:
    case ErrorKind.DeadlineExceeded:
      return upstreamUnavailable(service, error);
    case ErrorKind.Unauthenticated:
    case ErrorKind.PermissionDenied:
      return new AppError(ErrorKind.Internal, `${service} refused the gateway`, { cause: error });
    case ErrorKind.InvalidArgument:
    case ErrorKind.NotFound:
    case ErrorKind.AlreadyExists:
    case ErrorKind.Conflict:
    case ErrorKind.FailedPrecondition:
    case ErrorKind.RateLimited:
    case ErrorKind.Internal:
      return error;
  }
}
