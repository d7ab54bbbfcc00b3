export enum RoutingErrorCode {
  UnknownTenant = 'UNKNOWN_TENANT',
  UnknownQueue = 'UNKNOWN_QUEUE',
  UnknownAgent = 'UNKNOWN_AGENT',
  UnknownCall = 'UNKNOWN_CALL',
  DuplicateCall = 'DUPLICATE_CALL',
  InvalidConfig = 'INVALID_CONFIG',
  InvalidTransition = 'INVALID_TRANSITION',
  StaleFencingToken = 'STALE_FENCING_TOKEN',
  QueueNotEmpty = 'QUEUE_NOT_EMPTY',
  /** An internal invariant broke: a bug, never a caller's mistake. */
  InvariantViolated = 'INVARIANT_VIOLATED',
}

/** The one exception of the routing module; transports map `code` to gRPC status / problem details. */
export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}
