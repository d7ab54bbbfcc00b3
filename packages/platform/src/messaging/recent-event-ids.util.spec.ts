import { RecentEventIds } from './recent-event-ids.util';

describe('RecentEventIds', () => {
  it('remembers ids up to its capacity, evicting the least recently used', () => {
    const ids = new RecentEventIds(2);
    ids.add('a');
    ids.add('b');
    expect(ids.has('a')).toBe(true); // refreshes "a": "b" is now the oldest
    ids.add('c');
    expect(ids.has('b')).toBe(false);
    expect(ids.has('a')).toBe(true);
    expect(ids.has('c')).toBe(true);
    expect(ids.size).toBe(2);
  });

  it('does not grow when the same id is added again', () => {
    const ids = new RecentEventIds(3);
    ids.add('a');
    ids.add('a');
    expect(ids.size).toBe(1);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RecentEventIds(0)).toThrow(/positive/);
  });
});
