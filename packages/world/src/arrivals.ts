import type { Random } from './random';

/**
 * Hourly multipliers of a contact center's day (index = hour of day, mean ~1): a morning peak, a
 * lunch dip, an afternoon shoulder. The demo's tenants scale their busy-hour rate with it.
 */
export const TYPICAL_DAY_SHAPE: readonly number[] = [
  0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.45, 0.8, 1.3, 1.6, 1.7, 1.55, 1.2, 1.3, 1.5, 1.45, 1.3, 1.1, 0.9, 0.7,
  0.5, 0.35, 0.25, 0.15,
];

/** Calls per hour at scenario second `t` (counted from midnight) for a busy-hour rate and a day shape. */
export function rateAt(busyHourRate: number, shape: readonly number[], t: number): number {
  const peak = Math.max(...shape);
  const hour = Math.floor(t / 3600) % shape.length;
  return (busyHourRate * (shape[hour] ?? 0)) / peak;
}

/**
 * Arrival instants (scenario seconds) of a non-homogeneous Poisson process on [from, to) with rate
 * `ratePerHour(t)` at most `maxRatePerHour`, by thinning (Lewis & Shedler): candidates at the
 * maximum rate, each kept with probability rate(t) / max. With a constant rate it is a plain
 * Poisson process.
 */
export function poissonArrivals(
  random: Random,
  from: number,
  to: number,
  maxRatePerHour: number,
  ratePerHour: (t: number) => number = () => maxRatePerHour,
): number[] {
  if (!(maxRatePerHour > 0)) return [];
  const meanGap = 3600 / maxRatePerHour;
  const arrivals: number[] = [];
  for (let t = from + random.exponential(meanGap); t < to; t += random.exponential(meanGap)) {
    if (random.uniform() * maxRatePerHour < ratePerHour(t)) arrivals.push(t);
  }
  return arrivals;
}
