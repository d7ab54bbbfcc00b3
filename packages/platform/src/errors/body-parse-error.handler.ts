import type { NextFunction, Request, Response } from 'express';
import { toProblem } from './problem-details.filter';

/**
 * Express error handler placed right after the body parsers: malformed JSON, a wrong charset or an
 * oversized body become problem+json 4xx answers that name the body, before Nest turns them into
 * anonymous 400s. Anything else goes on to Nest's own handling.
 */
export function bodyParseErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: unknown } | null)?.type;
  if (
    typeof type !== 'string' ||
    (!type.startsWith('entity.') && !type.startsWith('encoding.') && !type.startsWith('charset.'))
  ) {
    next(error);
    return;
  }
  const { status, problem } = toProblem(error, req.originalUrl);
  res.status(status).type('application/problem+json').send(JSON.stringify(problem));
}
