import type { Response } from 'express';
import { EntityIdSchema } from '@cc/contracts';
import { ZodValidationPipe } from '@cc/platform';
import { etagOf } from './etag.util';

/** Sets the ETag of a versioned resource and returns its value. */
export function withEtag<T>(res: Response, versioned: { value: T; version: number }): T {
  res.setHeader('ETag', etagOf(versioned.version));
  return versioned.value;
}

/** Validates an id in the path (so that junk is a 400 naming the parameter, not a 404). */
export function idParam(name: string): ZodValidationPipe<typeof EntityIdSchema> {
  return new ZodValidationPipe(EntityIdSchema, `path.${name}`);
}
