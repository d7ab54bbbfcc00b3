import { redeliveryDelayMs } from './backoff.util';

describe('redeliveryDelayMs', () => {
  it('walks the back-off steps and repeats the last one', () => {
    const steps = [1_000, 5_000, 30_000];
    expect([1, 2, 3, 4, 10].map((n) => redeliveryDelayMs(n, steps))).toEqual([
      1_000, 5_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('doubles from 1 s up to 60 s without steps', () => {
    expect([1, 2, 3, 6, 7, 50].map((n) => redeliveryDelayMs(n, undefined))).toEqual([
      1_000, 2_000, 4_000, 32_000, 60_000, 60_000,
    ]);
    expect(redeliveryDelayMs(1, [])).toBe(1_000);
  });

  it('treats a nonsensical delivery count as the first delivery', () => {
    expect(redeliveryDelayMs(0, [250, 500])).toBe(250);
    expect(redeliveryDelayMs(-3, undefined)).toBe(1_000);
  });

  it('honours a longer retry-after from the handler, never a shorter one', () => {
    expect(redeliveryDelayMs(1, [1_000], 10)).toBe(10_000);
    expect(redeliveryDelayMs(3, [1_000, 60_000], 10)).toBe(60_000);
  });
});
