import { callIdForChannel, priorityWithTier } from './call-rules.util';

describe('call rules', () => {
  it('derives a stable call id from the channel id', () => {
    expect(callIdForChannel('1795446296.12')).toBe('call-1795446296.12');
    expect(callIdForChannel('a/b c')).toBe('call-a_b_c');
  });

  it('raises priority by value tier, capped at 100', () => {
    expect(priorityWithTier(10, 0)).toBe(10);
    expect(priorityWithTier(10, 1)).toBe(10);
    expect(priorityWithTier(10, 4)).toBe(40);
    expect(priorityWithTier(95, 4)).toBe(100);
  });
});
