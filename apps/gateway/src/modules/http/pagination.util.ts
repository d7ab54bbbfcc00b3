import { AppError } from '@cc/platform';
import { z } from 'zod';

export const PageQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page (`nextCursor`).'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (1-200).'),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface Page<T> {
  data: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export function pageSchema<S extends z.ZodType>(item: S) {
  return z.object({ data: z.array(item), nextCursor: z.string().optional() });
}

/** Cursors are opaque to clients: the id of the last item, wrapped so its shape can change later. */
export function encodeCursor(afterId: string): string {
  return Buffer.from(JSON.stringify({ a: afterId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = z
      .object({ a: z.string().min(1).max(256) })
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.a;
  } catch {
    throw AppError.invalid([
      { field: 'query.cursor', rule: 'cursor', message: 'is not a cursor this API returned' },
    ]);
  }
}

/**
 * Builds a page from rows fetched with `take: limit + 1` in id order: the extra row only tells
 * whether there is a next page.
 */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last
    ? { data: items.map(map), nextCursor: encodeCursor(last.id) }
    : { data: items.map(map) };
}

/** Prisma arguments for the page after `cursor`, ascending ids (ids sort by creation). */
export function pageArgs(query: PageQuery): {
  take: number;
  where: { id?: { gt: string } };
  orderBy: { id: 'asc' };
} {
  const after = decodeCursor(query.cursor);
  return { take: query.limit + 1, where: after ? { id: { gt: after } } : {}, orderBy: { id: 'asc' } };
}

/**
 * A page of a whole list a service answered (sorted by id here): for the short lists of a tenant
 * (queues, agents, skills, DIDs) that the services return at once.
 */
export function pageOfList<T>(items: readonly T[], query: PageQuery, idOf: (item: T) => string): Page<T> {
  const after = decodeCursor(query.cursor);
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => idOf(item) > after);
  const data = rest.slice(0, query.limit);
  const last = data[data.length - 1];
  return rest.length > query.limit && last !== undefined
    ? { data, nextCursor: encodeCursor(idOf(last)) }
    : { data };
}
