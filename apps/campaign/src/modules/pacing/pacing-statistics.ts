import type { PacingModel } from './pacing.types';

/** Fixed-size ring buffer of numbers (the most recent `capacity` samples). */
class RecentSamples {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    this.filled = Math.min(this.filled + 1, this.values.length);
  }

  get size(): number {
    return this.filled;
  }

  /** The newest `count` samples (or all). */
  *latest(count = this.filled): Iterable<number> {
    const n = Math.min(count, this.filled);
    for (let i = 1; i <= n; i++)
      yield this.values[(this.next - i + this.values.length) % this.values.length]!;
  }
}

export interface PacingPrior {
  answerRate: number;
  ringMeanSec: number;
  talkMeanSec: number;
  wrapSec: number;
  giveUpSec: number;
}

export const DEFAULT_PACING_PRIOR: PacingPrior = {
  answerRate: 0.3,
  ringMeanSec: 15,
  talkMeanSec: 120,
  wrapSec: 15,
  giveUpSec: 25,
};

const RING_HORIZON_SEC = 90;
const TALK_HORIZON_SEC = 3600;
/** Samples the prior is worth: the campaign's own data outweighs it after a few minutes. */
const PRIOR_WEIGHT = 20;

/**
 * The live statistics of a campaign's calls: answer rate, ring time of live answers, talk and wrap
 * times, each over the most recent calls, so the model follows the campaign when the day changes.
 *
 * The answer rate is the higher of a short and a long window: a rise (more live answers than
 * planned for = abandonments) is seen within ~60 dials, while a fall is believed only slowly —
 * the error is always on the side of dialing less.
 */
export class PacingStatistics {
  private readonly dialOutcomes = new RecentSamples(600);
  private readonly ringTimes = new RecentSamples(400);
  private readonly talkTimes = new RecentSamples(400);
  private readonly wrapTimes = new RecentSamples(100);
  private cached: PacingModel | undefined;
  private changesSinceModel = 0;

  constructor(
    private readonly prior: PacingPrior = DEFAULT_PACING_PRIOR,
    /** Rebuild the distributions after this many new samples (the answer rate is always current). */
    private readonly rebuildEvery = 20,
  ) {}

  recordLiveAnswer(ringSec: number): void {
    this.dialOutcomes.push(1);
    this.ringTimes.push(Math.max(0, ringSec));
    this.changesSinceModel++;
  }

  recordNoLiveAnswer(): void {
    this.dialOutcomes.push(0);
  }

  recordTalk(talkSec: number): void {
    this.talkTimes.push(Math.max(0, talkSec));
    this.changesSinceModel++;
  }

  recordWrap(wrapSec: number): void {
    this.wrapTimes.push(Math.max(0, wrapSec));
  }

  answerRate(): number {
    const rate = (count: number): number => {
      let live = 0;
      let n = 0;
      for (const v of this.dialOutcomes.latest(count)) {
        live += v;
        n++;
      }
      return (live + this.prior.answerRate * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT);
    };
    return Math.min(0.999, Math.max(rate(60), rate(600)));
  }

  model(): PacingModel {
    if (!this.cached || this.changesSinceModel >= this.rebuildEvery) {
      this.cached = this.build();
      this.changesSinceModel = 0;
    }
    return { ...this.cached, answerRate: this.answerRate() };
  }

  private build(): PacingModel {
    const ringCdf = empiricalCdf(this.ringTimes, RING_HORIZON_SEC, (t) =>
      gammaCdf(t, 4, this.prior.ringMeanSec / 4),
    );
    const talkCdf = empiricalCdf(
      this.talkTimes,
      TALK_HORIZON_SEC,
      (t) => 1 - Math.exp(-t / this.prior.talkMeanSec),
    );
    const talkSurvival = new Float64Array(talkCdf.length);
    for (let i = 0; i < talkCdf.length; i++) talkSurvival[i] = 1 - talkCdf[i]!;
    let talkSum = 0;
    for (const v of this.talkTimes.latest()) talkSum += v;
    const talkMean = (talkSum + this.prior.talkMeanSec * PRIOR_WEIGHT) / (this.talkTimes.size + PRIOR_WEIGHT);
    let wrapSum = 0;
    for (const v of this.wrapTimes.latest()) wrapSum += v;
    const wrapSec = (wrapSum + this.prior.wrapSec * 5) / (this.wrapTimes.size + 5);
    return {
      answerRate: this.answerRate(),
      ringCdf,
      giveUpSec: this.prior.giveUpSec,
      talkSurvival,
      talkTailMeanSec: talkMean,
      wrapSec,
    };
  }
}

/**
 * CDF at whole seconds 0..horizon from the samples, blended with the prior's CDF (weight
 * PRIOR_WEIGHT samples), so a handful of early samples does not make a jagged model.
 */
function empiricalCdf(
  samples: RecentSamples,
  horizon: number,
  priorCdf: (t: number) => number,
): Float64Array {
  const counts = new Float64Array(horizon + 1);
  let n = 0;
  for (const v of samples.latest()) {
    n++;
    const bin = Math.ceil(v);
    if (bin <= horizon) counts[bin]! += 1;
  }
  const cdf = new Float64Array(horizon + 1);
  let cumulative = 0;
  for (let t = 0; t <= horizon; t++) {
    cumulative += counts[t]!;
    cdf[t] = (cumulative + PRIOR_WEIGHT * priorCdf(t)) / (n + PRIOR_WEIGHT);
  }
  return cdf;
}

/** Regularized lower incomplete gamma P(shape, t/scale) by its series (shape small, t moderate). */
export function gammaCdf(t: number, shape: number, scale: number): number {
  if (t <= 0) return 0;
  const x = t / scale;
  let term = 1 / shape;
  let sum = term;
  for (let k = 1; k < 500; k++) {
    term *= x / (shape + k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  const logGamma = lnGamma(shape);
  return Math.min(1, Math.exp(shape * Math.log(x) - x - logGamma) * sum);
}

function lnGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
