import { AppError, ErrorKind } from '@cc/platform';

/** A strong ETag from a row's version (bumped by every update). */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * Checks If-Match against the current version: absent means "no precondition"; `*` matches any
 * existing resource; otherwise one of the listed tags must be current, or the update is refused (412).
 */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etagOf(version);
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(current)) {
    throw new AppError(
      ErrorKind.FailedPrecondition,
      `If-Match does not match the current version ${current}`,
      {
        code: 'precondition_failed',
      },
    );
  }
}
