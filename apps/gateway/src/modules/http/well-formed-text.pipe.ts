import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { AppError } from '@cc/platform';

const MAX_DEPTH = 32;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string in `value` that Postgres cannot store as it is, if any. */
export function findIllFormedText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') {
    // NUL is refused by Postgres text and jsonb (a 500 if it gets that far); an unpaired surrogate
    // would be silently replaced by U+FFFD on the way to UTF-8, so the stored value would differ.
    return value.includes('\u0000') || UNPAIRED_SURROGATE.test(value) ? path : undefined;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const found =
      findIllFormedText(key, `${path}.${key}`, depth + 1) === undefined
        ? findIllFormedText(item, `${path}.${key}`, depth + 1)
        : `${path}.${key}`;
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Global pipe: refuses text that Postgres would reject or alter (NUL, unpaired surrogates) in a
 * body, query or path parameter with a 400 naming the field, before any route's own validation.
 */
@Injectable()
export class WellFormedTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const where = metadata.type === 'param' && metadata.data ? `path.${metadata.data}` : metadata.type;
    const field = findIllFormedText(
      value,
      metadata.data && metadata.type !== 'param' ? `${where}.${metadata.data}` : where,
    );
    if (field !== undefined) {
      throw AppError.invalid([
        { field, rule: 'text', message: 'must not contain NUL characters or unpaired surrogates' },
      ]);
    }
    return value;
  }
}
