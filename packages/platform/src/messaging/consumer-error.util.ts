import { EnvelopeValidationError } from '@cc/contracts';
import { ErrorKind, isAppError } from '../errors/app-error';

/**
 * What a consumer does with a message whose handler failed: `retry` (nak with back-off; the fault
 * may pass) or `dead_letter` (the message itself is wrong; retrying cannot help).
 */
export type FailureDisposition = 'retry' | 'dead_letter';

/** Thrown by the kit for messages that cannot be processed whatever happens (poison). */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

export function classifyFailure(error: unknown): FailureDisposition {
  if (error instanceof PoisonMessageError || error instanceof EnvelopeValidationError) return 'dead_letter';
  if (isAppError(error)) {
    switch (error.kind) {
      case ErrorKind.InvalidArgument:
      case ErrorKind.FailedPrecondition:
        return 'dead_letter';
      case ErrorKind.NotFound:
      case ErrorKind.AlreadyExists:
      case ErrorKind.Conflict:
      case ErrorKind.Unauthenticated:
      case ErrorKind.PermissionDenied:
      case ErrorKind.RateLimited:
      case ErrorKind.Unavailable:
      case ErrorKind.DeadlineExceeded:
      case ErrorKind.Internal:
        // NotFound/Conflict often mean "another fact has not arrived yet": worth retrying.
        return 'retry';
    }
  }
  return 'retry';
}

/** A short reason for logs, spans and the dead-letter header. */
export function failureReason(error: unknown): string {
  if (error instanceof Error) {
    const kind = isAppError(error) ? `${error.kind}: ` : '';
    return `${error.name}: ${kind}${error.message}`.slice(0, 1024);
  }
  return String(error).slice(0, 1024);
}
