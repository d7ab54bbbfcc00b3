import { HttpException, HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { GrpcMetadataKey } from '@cc/contracts';
import { AppError, ErrorKind } from '../errors/app-error';
import { fromGrpcError, toGrpcStatusError } from './grpc-error.mapper';

/** What grpc-js gives a client: an Error with code, details and the trailers. */
function serviceError(code: GrpcStatus, details: string, metadata = new Metadata()): Error {
  return Object.assign(new Error(`${code} ${GrpcStatus[code]}: ${details}`), { code, details, metadata });
}

/** Server side then client side, as over the wire (the trailers are the same Metadata). */
function roundTrip(error: unknown): AppError {
  const { status } = toGrpcStatusError(error);
  return fromGrpcError(serviceError(status.code, status.details, status.metadata));
}

describe('toGrpcStatusError (server side)', () => {
  it('maps an AppError to its status with code and violations in the problem trailer', () => {
    const violations = [{ field: 'callId', rule: 'too_small', message: 'must not be empty' }];
    const { status, internal } = toGrpcStatusError(AppError.invalid(violations));
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.details).toBe('callId: must not be empty');
    expect(internal).toBe(false);
    const trailer = status.metadata.get(GrpcMetadataKey.Problem)[0] as Buffer;
    expect(JSON.parse(trailer.toString('utf8'))).toEqual({
      kind: 'invalid_argument',
      code: 'invalid_argument',
      violations,
    });
  });

  it('hides the message of unknown errors and of internal AppErrors', () => {
    const unknown = toGrpcStatusError(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=secret'));
    expect(unknown.status.code).toBe(GrpcStatus.INTERNAL);
    expect(unknown.status.details).toBe('internal error');
    expect(unknown.internal).toBe(true);
    expect(unknown.status.metadata.get(GrpcMetadataKey.Problem)[0]!.toString()).not.toContain('secret');

    const internal = toGrpcStatusError(new AppError(ErrorKind.Internal, 'row 42 of table x is corrupt'));
    expect(internal.status.details).toBe('internal error');
    expect(toGrpcStatusError('a string').status.code).toBe(GrpcStatus.INTERNAL);
  });

  it('passes an RpcException with a status code through', () => {
    const { status } = toGrpcStatusError(
      new RpcException({ code: GrpcStatus.NOT_FOUND, message: 'no queue q1' }),
    );
    expect(status.code).toBe(GrpcStatus.NOT_FOUND);
    expect(status.details).toBe('no queue q1');
  });

  it('maps Nest HttpExceptions by status', () => {
    expect(toGrpcStatusError(new HttpException('nope', HttpStatus.FORBIDDEN)).status.code).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
    expect(toGrpcStatusError(new HttpException('teapot', HttpStatus.I_AM_A_TEAPOT)).status.code).toBe(
      GrpcStatus.INTERNAL,
    );
  });
});

describe('fromGrpcError (client side)', () => {
  it.each([
    new AppError(ErrorKind.NotFound, 'queue q1 not found', { code: 'acd.queue_not_found' }),
    new AppError(ErrorKind.FailedPrecondition, 'stale fencing token', { code: 'acd.stale_fencing_token' }),
    new AppError(ErrorKind.AlreadyExists, 'call c1 already queued', { code: 'acd.call_exists' }),
    new AppError(ErrorKind.Conflict, 'version 3 is stale'),
    new AppError(ErrorKind.RateLimited, 'slow down', { retryAfterSeconds: 2 }),
    AppError.invalid([
      { field: 'requiredSkills.0.minLevel', rule: 'too_big', message: 'must be at most 10' },
      { field: 'queueId', rule: 'too_small', message: 'must not be empty' },
    ]),
  ])('rebuilds $kind with the same code, message and violations', (original) => {
    const rebuilt = roundTrip(original);
    expect(rebuilt).toBeInstanceOf(AppError);
    expect(rebuilt.kind).toBe(original.kind);
    expect(rebuilt.code).toBe(original.code ?? original.kind);
    expect(rebuilt.message).toBe(original.message);
    expect(rebuilt.violations).toEqual(original.violations);
    expect(rebuilt.retryAfterSeconds).toBe(original.retryAfterSeconds);
  });

  it('maps statuses without our trailer by code (deadline, unavailable, peers that are not ours)', () => {
    const deadline = fromGrpcError(serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    expect(deadline.kind).toBe(ErrorKind.DeadlineExceeded);
    expect(deadline.code).toBe('deadline_exceeded');
    expect(deadline.violations).toEqual([]);

    const unavailable = fromGrpcError(serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'));
    expect(unavailable.kind).toBe(ErrorKind.Unavailable);
    expect(unavailable.message).toBe('No connection established');

    const cancelled = fromGrpcError(serviceError(GrpcStatus.CANCELLED, 'Cancelled on client'));
    expect(cancelled.kind).toBe(ErrorKind.Unavailable);
    expect(cancelled.code).toBe('grpc.cancelled');

    expect(fromGrpcError(serviceError(GrpcStatus.UNIMPLEMENTED, '')).message).toBe('UNIMPLEMENTED');
  });

  it('keeps the status as the authority for the kind even if a trailer says otherwise', () => {
    const metadata = new Metadata();
    metadata.set(GrpcMetadataKey.Problem, Buffer.from('{"kind":"not_found","code":"x.y"}'));
    const error = fromGrpcError(serviceError(GrpcStatus.PERMISSION_DENIED, 'no', metadata));
    expect(error.kind).toBe(ErrorKind.PermissionDenied);
    expect(error.code).toBe('x.y');
  });

  it('turns a non-gRPC error into internal, keeping the cause', () => {
    const cause = new TypeError('bad');
    const error = fromGrpcError(cause, '/x.v1.S/M');
    expect(error.kind).toBe(ErrorKind.Internal);
    expect(error.message).toBe('gRPC call /x.v1.S/M failed');
    expect(error.cause).toBe(cause);
  });

  it('returns an AppError unchanged', () => {
    const original = AppError.notFound('queue', 'q1');
    expect(fromGrpcError(original)).toBe(original);
  });
});
