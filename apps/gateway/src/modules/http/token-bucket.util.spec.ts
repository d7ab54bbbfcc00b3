import { TokenBuckets } from './token-bucket.util';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with Retry-After, then refills at the rate', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('k', t0).allowed)).toEqual([true, true, true]);
    expect(buckets.take('k', t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('other', t0).allowed).toBe(true);
    expect(buckets.take('k', t0 + 500).allowed).toBe(true);
    expect(buckets.take('k', t0 + 500).allowed).toBe(false);
  });

  it('a slow rate gives a longer Retry-After', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 0.1, burst: 1 });
    buckets.take('k', 0);
    expect(buckets.take('k', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('forgets the least recently used keys beyond its capacity', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 0);
    expect(buckets.take('a', 0).allowed).toBe(true);
  });

  it('peeks without taking', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1 });
    expect(buckets.peek('k', 0)).toEqual({ allowed: true });
    expect(buckets.peek('k', 0)).toEqual({ allowed: true });
    buckets.take('k', 0);
    expect(buckets.peek('k', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.peek('k', 1000)).toEqual({ allowed: true });
  });
});
