import { newId } from './id.util';

describe('newId', () => {
  it('sorts ids made in the same millisecond in the order they were made', () => {
    const at = new Date('2026-11-23T12:00:00.000Z');
    const ids = Array.from({ length: 1_000 }, () => newId('whd', at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the shape: prefix, 9 base-36 time characters, 16 hex characters', () => {
    const later = newId('whd', new Date('2026-11-23T12:00:00.001Z'));
    expect(later).toMatch(/^whd_[0-9a-z]{9}[0-9a-f]{16}$/);
    expect(later > newId('whd', new Date('2026-11-23T12:00:00.000Z'))).toBe(true);
  });
});
