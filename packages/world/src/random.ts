import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/**
 * Seeded draws for the simulated world (pure-rand's xoroshiro128+): a run is reproducible from its
 * seed, which is what lets the end-to-end benchmark replay the very same callers through a
 * zero-latency reference queue (see bench/e2e-erlang.bench.ts).
 */
export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = unsafeUniformIntDistribution(0, 2 ** 26 - 1, this.generator);
    const low = unsafeUniformIntDistribution(0, 2 ** 27 - 1, this.generator);
    return (high * 2 ** 27 + low) / 2 ** 53;
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  standardNormal(): number {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Lognormal with the given mean and coefficient of variation (sd / mean): call lengths. */
  lognormal(mean: number, cv: number): number {
    const sigma2 = Math.log(1 + cv * cv);
    const mu = Math.log(mean) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * this.standardNormal());
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.uniform() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}
