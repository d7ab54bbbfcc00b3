import { poissonArrivals, rateAt, TYPICAL_DAY_SHAPE } from './arrivals';
import { Random } from './random';

describe('poissonArrivals', () => {
  it('draws a Poisson process at the given rate (count and exponential gaps)', () => {
    const arrivals = poissonArrivals(new Random(7), 0, 360_000, 600); // 100 h at 600/h
    expect(arrivals.length).toBeGreaterThan(59_000);
    expect(arrivals.length).toBeLessThan(61_000);
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeCloseTo(6, 1);
    // Exponential: P(gap > mean) = e^-1.
    expect(gaps.filter((g) => g > 6).length / gaps.length).toBeCloseTo(Math.exp(-1), 2);
  });

  it('thins to a time-varying rate (a daily shape)', () => {
    const busy = 1000;
    const arrivals = poissonArrivals(new Random(3), 0, 86_400 * 20, busy, (t) =>
      rateAt(busy, TYPICAL_DAY_SHAPE, t),
    );
    const perHour = new Array<number>(24).fill(0);
    for (const t of arrivals) perHour[Math.floor(t / 3600) % 24]! += 1 / 20;
    const peak = Math.max(...TYPICAL_DAY_SHAPE);
    for (const h of [3, 10, 15, 22]) {
      const expected = (busy * (TYPICAL_DAY_SHAPE[h] as number)) / peak;
      expect(Math.abs((perHour[h] as number) - expected)).toBeLessThan(4 * Math.sqrt(expected / 20) + 1);
    }
  });

  it('is reproducible from its seed', () => {
    expect(poissonArrivals(new Random(11), 0, 3600, 100)).toEqual(
      poissonArrivals(new Random(11), 0, 3600, 100),
    );
    expect(poissonArrivals(new Random(11), 0, 3600, 100)).not.toEqual(
      poissonArrivals(new Random(12), 0, 3600, 100),
    );
  });
});

describe('Random', () => {
  it('draws lognormal lengths with the asked mean and coefficient of variation', () => {
    const random = new Random(5);
    const xs = Array.from({ length: 200_000 }, () => random.lognormal(240, 0.6));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean / 240).toBeCloseTo(1, 1);
    expect(sd / mean).toBeCloseTo(0.6, 1);
    expect(xs.every((x) => x > 0)).toBe(true);
  });
});
