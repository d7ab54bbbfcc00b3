import { findIllFormedText, WellFormedTextPipe } from './well-formed-text.pipe';

describe('WellFormedTextPipe', () => {
  const pipe = new WellFormedTextPipe();

  it('names the first field holding NUL or an unpaired surrogate, keys included', () => {
    expect(findIllFormedText({ a: 'ok', b: ['x', 'y\u0000'] }, 'body')).toBe('body.b.1');
    expect(findIllFormedText({ c: { d: '\ud800' } }, 'body')).toBe('body.c.d');
    expect(findIllFormedText({ 'k\u0000': 1 }, 'body')).toBe('body.k\u0000');
    expect(findIllFormedText({ a: 'emoji 𝕏 fine', n: 1, z: null }, 'body')).toBeUndefined();
  });

  it('throws a 400 naming the body field, path parameter or query', () => {
    expect(() => pipe.transform({ name: 'a\u0000' }, { type: 'body' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'body.name' })] }) as Error,
    );
    expect(() => pipe.transform('x\u0000', { type: 'param', data: 'userId' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'path.userId' })] }) as Error,
    );
    expect(() => pipe.transform({ cursor: '\ud800' }, { type: 'query' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'query.cursor' })] }) as Error,
    );
    expect(pipe.transform({ ok: 'yes' }, { type: 'body' })).toEqual({ ok: 'yes' });
  });
});
