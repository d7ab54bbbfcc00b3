import { z } from 'zod';
import { AppError, ErrorKind } from '../errors/app-error';
import { parseRequest, ZodRequestPipe } from './request-validation';

const EnqueueSchema = z.object({
  callId: z.string().min(1),
  requiredSkills: z.array(
    z.object({ skillId: z.string().min(1), minLevel: z.number().int().min(1).max(10) }),
  ),
});

describe('parseRequest', () => {
  it('returns the parsed message', () => {
    const value = { callId: 'c1', requiredSkills: [{ skillId: 'de', minLevel: 3 }] };
    expect(parseRequest(EnqueueSchema, value)).toEqual(value);
    expect(new ZodRequestPipe(EnqueueSchema).transform(value)).toEqual(value);
  });

  it('throws AppError.invalid naming each bad field', () => {
    let caught: unknown;
    try {
      parseRequest(EnqueueSchema, { callId: '', requiredSkills: [{ skillId: 'de', minLevel: 11 }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.kind).toBe(ErrorKind.InvalidArgument);
    expect(error.violations.map((v) => [v.field, v.rule])).toEqual([
      ['callId', 'too_small'],
      ['requiredSkills.0.minLevel', 'too_big'],
    ]);
  });
});
