import { type PipeTransform } from '@nestjs/common';
import { violationsFromZod } from '@cc/contracts';
import type { z } from 'zod';
import { AppError } from './app-error';

/**
 * Validates a request part (body, query, params) against a zod schema; a failure is a 400 whose
 * problem+json names each field and the rule it broke. `where` prefixes field names (`body.phone`).
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly where = '',
  ) {}

  transform(value: unknown): z.infer<S> {
    return parseOrThrow(this.schema, value, this.where);
  }
}

/** Parses `value` with `schema` or throws AppError.invalid naming the fields. Use at every edge. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw AppError.invalid(violationsFromZod(result.error, where));
  return result.data;
}
