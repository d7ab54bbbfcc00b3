import { EnvelopeValidationError } from '@cc/contracts';
import { AppError, ErrorKind } from '../errors/app-error';
import { PoisonMessageError, classifyFailure, failureReason } from './consumer-error.util';

describe('classifyFailure', () => {
  it('dead-letters poison: bad envelopes, invalid arguments, failed preconditions', () => {
    expect(classifyFailure(new PoisonMessageError('not json'))).toBe('dead_letter');
    expect(
      classifyFailure(new EnvelopeValidationError([{ field: 'id', rule: 'required', message: 'missing' }])),
    ).toBe('dead_letter');
    expect(classifyFailure(new AppError(ErrorKind.InvalidArgument, 'bad'))).toBe('dead_letter');
    expect(classifyFailure(new AppError(ErrorKind.FailedPrecondition, 'closed'))).toBe('dead_letter');
  });

  it('retries everything else, unknown errors included', () => {
    for (const kind of [ErrorKind.Unavailable, ErrorKind.Internal, ErrorKind.NotFound, ErrorKind.Conflict]) {
      expect(classifyFailure(new AppError(kind, 'x'))).toBe('retry');
    }
    expect(classifyFailure(new Error('ECONNRESET'))).toBe('retry');
    expect(classifyFailure('a string')).toBe('retry');
  });

  it('describes the failure with its kind', () => {
    expect(failureReason(new AppError(ErrorKind.FailedPrecondition, 'queue closed'))).toBe(
      'AppError: failed_precondition: queue closed',
    );
    expect(failureReason('x'.repeat(5_000))).toHaveLength(1_024);
  });
});
