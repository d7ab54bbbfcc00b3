import { Injectable, type PipeTransform } from '@nestjs/common';
import { violationsFromZod } from '@cc/contracts';
import type { z } from 'zod';
import { AppError } from '../errors/app-error';

/**
 * Validates an incoming message at the edge: returns the parsed value, or throws AppError.invalid
 * whose violations name each bad field (lowerCamelCase path, e.g. `requiredSkills.0.minLevel`), which
 * the caller receives as INVALID_ARGUMENT with the same violations.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, fieldPrefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw AppError.invalid(violationsFromZod(result.error, fieldPrefix));
}

/** The same as a pipe: `enqueueCall(@Payload(new ZodRequestPipe(EnqueueCallSchema)) request: ...)`. */
@Injectable()
export class ZodRequestPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseRequest(this.schema, value);
  }
}
