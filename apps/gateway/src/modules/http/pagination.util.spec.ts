import { decodeCursor, encodeCursor, pageArgs, toPage } from './pagination.util';

describe('cursor pagination', () => {
  const rows = ['a', 'b', 'c'].map((id) => ({ id }));

  it('returns a cursor only when there is a next page', () => {
    const first = toPage(rows, 2, (r) => r.id);
    expect(first.data).toEqual(['a', 'b']);
    expect(decodeCursor(first.nextCursor)).toBe('b');
    expect(toPage(rows, 3, (r) => r.id)).toEqual({ data: ['a', 'b', 'c'] });
  });

  it('turns a cursor into "ids after" and takes one extra row', () => {
    expect(pageArgs({ limit: 10, cursor: encodeCursor('x') })).toEqual({
      take: 11,
      where: { id: { gt: 'x' } },
      orderBy: { id: 'asc' },
    });
  });

  it('refuses a forged cursor, naming the field', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/query.cursor/);
  });
});
