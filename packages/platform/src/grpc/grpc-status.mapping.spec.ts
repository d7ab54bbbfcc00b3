import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorKind } from '../errors/app-error';
import {
  decodeGrpcProblem,
  encodeGrpcProblem,
  grpcStatusForKind,
  kindForGrpcStatus,
} from './grpc-status.mapping';

describe('gRPC status mapping', () => {
  it.each([
    [ErrorKind.InvalidArgument, GrpcStatus.INVALID_ARGUMENT],
    [ErrorKind.NotFound, GrpcStatus.NOT_FOUND],
    [ErrorKind.AlreadyExists, GrpcStatus.ALREADY_EXISTS],
    [ErrorKind.Conflict, GrpcStatus.ABORTED],
    [ErrorKind.FailedPrecondition, GrpcStatus.FAILED_PRECONDITION],
    [ErrorKind.Unauthenticated, GrpcStatus.UNAUTHENTICATED],
    [ErrorKind.PermissionDenied, GrpcStatus.PERMISSION_DENIED],
    [ErrorKind.RateLimited, GrpcStatus.RESOURCE_EXHAUSTED],
    [ErrorKind.Unavailable, GrpcStatus.UNAVAILABLE],
    [ErrorKind.DeadlineExceeded, GrpcStatus.DEADLINE_EXCEEDED],
    [ErrorKind.Internal, GrpcStatus.INTERNAL],
  ])('%s <-> %s', (kind, code) => {
    expect(grpcStatusForKind(kind)).toBe(code);
    expect(kindForGrpcStatus(code)).toBe(kind);
  });

  it('round-trips every kind', () => {
    for (const kind of Object.values(ErrorKind)) {
      expect(kindForGrpcStatus(grpcStatusForKind(kind))).toBe(kind);
    }
  });

  it.each([
    [GrpcStatus.OUT_OF_RANGE, ErrorKind.InvalidArgument],
    [GrpcStatus.CANCELLED, ErrorKind.Unavailable],
    [GrpcStatus.UNKNOWN, ErrorKind.Internal],
    [GrpcStatus.UNIMPLEMENTED, ErrorKind.Internal],
    [GrpcStatus.DATA_LOSS, ErrorKind.Internal],
  ])('folds status %s into %s', (code, kind) => {
    expect(kindForGrpcStatus(code)).toBe(kind);
  });

  describe('problem trailer', () => {
    it('encodes and decodes kind, code, violations and retry hint, keeping non-ASCII text', () => {
      const problem = {
        kind: ErrorKind.InvalidArgument,
        code: 'acd.bad_skill',
        violations: [{ field: 'requiredSkills.0.minLevel', rule: 'too_big', message: 'höchstens 10' }],
        retryAfterSeconds: 3,
      };
      expect(decodeGrpcProblem(encodeGrpcProblem(problem))).toEqual(problem);
    });

    it('ignores a trailer that is absent, not JSON or not ours', () => {
      expect(decodeGrpcProblem(undefined)).toBeUndefined();
      expect(decodeGrpcProblem(Buffer.from('not json'))).toBeUndefined();
      expect(decodeGrpcProblem(Buffer.from(JSON.stringify({ kind: 'teapot' })))).toBeUndefined();
      expect(decodeGrpcProblem('{"kind":"not_found","violations":[{"field":1}]}')).toBeUndefined();
    });

    it('defaults violations to none', () => {
      expect(decodeGrpcProblem('{"kind":"not_found"}')).toEqual({ kind: ErrorKind.NotFound, violations: [] });
    });
  });
});
