/**
 * Queueing formulas for staffing: Erlang C (M/M/N, callers never hang up) and Erlang A (M/M/N+M,
 * exponential patience). Every function works in seconds and calls per second.
 *
 * Numerical approach, chosen so that N in the thousands neither overflows nor loses precision:
 * - Erlang C goes through the Erlang B recursion B(n) = A·B(n-1) / (n + A·B(n-1)), which only ever
 *   multiplies numbers <= 1 (no factorials, no powers of A).
 * - Erlang A sums its birth-death stationary distribution in log space, normalised by its maximum.
 * - Erlang A's service level needs the waiting-time distribution of a tagged caller; it is computed by
 *   uniformisation of the small Markov chain "number of callers ahead of me", which is exact up to the
 *   truncation of the Poisson sum (1e-13).
 */

export interface ErlangCInput {
  /** Arrival rate, calls per second. */
  readonly lambda: number;
  /** Mean handle time in seconds (exponential). */
  readonly ahtSec: number;
  readonly agents: number;
  /** Service-level threshold in seconds (e.g. 20 for 80/20). */
  readonly thresholdSec: number;
}

export interface ErlangCResult {
  readonly agents: number;
  readonly offeredLoad: number;
  readonly occupancy: number;
  readonly pWait: number;
  /** Mean wait over all callers (ASA in the Erlang C sense), seconds. */
  readonly asaSec: number;
  /** Fraction of all callers answered within the threshold. */
  readonly serviceLevel: number;
}

export interface ErlangAInput extends ErlangCInput {
  /** Mean patience in seconds (exponential). */
  readonly patienceSec: number;
}

export interface ErlangAResult {
  readonly agents: number;
  readonly offeredLoad: number;
  /** Fraction of time an agent is busy (carried load / N). */
  readonly occupancy: number;
  /** Probability an arriving caller finds all agents busy. */
  readonly pWait: number;
  /** Fraction of callers who hang up before being served. */
  readonly abandonRate: number;
  /** Mean wait of all callers (served and abandoned). */
  readonly meanWaitAllSec: number;
  /** Mean wait of served callers. */
  readonly asaServedSec: number;
  /** Answered within threshold / all offered (abandons count as misses). */
  readonly serviceLevel: number;
  /** Answered within threshold / (offered - abandoned within threshold). */
  readonly serviceLevelExcludingEarlyAbandons: number;
  /** Fraction of all callers that abandoned within the threshold. */
  readonly abandonedWithinThreshold: number;
}

/** Erlang B blocking probability for `agents` servers and offered load `a` (Erlangs). */
export function erlangB(agents: number, a: number): number {
  assertAgents(agents);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (a * b) / (n + a * b);
  return b;
}

/** Erlang C probability of waiting; 1 when the system is unstable (agents <= load). */
export function erlangCFromB(agents: number, a: number, b: number): number {
  if (agents <= a) return 1;
  return (agents * b) / (agents - a * (1 - b));
}

export function erlangC(input: ErlangCInput): ErlangCResult {
  const a = input.lambda * input.ahtSec;
  return erlangCWithB(input, erlangB(input.agents, a));
}

function erlangCWithB(input: ErlangCInput, b: number): ErlangCResult {
  const n = input.agents;
  const a = input.lambda * input.ahtSec;
  const pWait = erlangCFromB(n, a, b);
  if (n <= a) {
    return { agents: n, offeredLoad: a, occupancy: 1, pWait: 1, asaSec: Infinity, serviceLevel: 0 };
  }
  return {
    agents: n,
    offeredLoad: a,
    occupancy: a / n,
    pWait,
    asaSec: (pWait * input.ahtSec) / (n - a),
    serviceLevel: 1 - pWait * Math.exp((-(n - a) * input.thresholdSec) / input.ahtSec),
  };
}

/** How far below the maximum (in natural log) a probability is still worth summing. */
const LOG_NEGLIGIBLE = 60;
/** Poisson mass left out of the uniformisation sum. */
const POISSON_TAIL = 1e-13;

export function erlangA(input: ErlangAInput): ErlangAResult {
  const { lambda, ahtSec, agents: n, thresholdSec, patienceSec } = input;
  assertAgents(n);
  if (!(patienceSec > 0) || !Number.isFinite(patienceSec)) {
    throw new RangeError('patienceSec must be a positive finite number (use erlangC for infinite patience)');
  }
  const mu = 1 / ahtSec;
  const theta = 1 / patienceSec;
  const nMu = n * mu;

  // log of the unnormalised stationary probabilities, states 0..N (agents) and N+k (k waiting).
  const logP: number[] = [0];
  let maxLog = 0;
  for (let s = 1; ; s++) {
    const rate = s <= n ? s * mu : nMu + (s - n) * theta;
    const value = (logP[s - 1] ?? 0) + Math.log(lambda) - Math.log(rate);
    logP.push(value);
    if (value > maxLog) maxLog = value;
    // Past the agents and past the tail's mode (where rate exceeds lambda) terms only shrink.
    if (s > n && rate > lambda && value < maxLog - LOG_NEGLIGIBLE) break;
  }
  const p = logP.map((v) => Math.exp(v - maxLog));
  const total = p.reduce((acc, v) => acc + v, 0);
  for (let s = 0; s < p.length; s++) p[s] = (p[s] ?? 0) / total;

  let pWait = 0;
  let meanQueue = 0;
  let busyAgents = 0;
  let servedWaitMass = 0; // E[W · 1{served}]
  for (let s = 0; s < p.length; s++) {
    const ps = p[s] ?? 0;
    busyAgents += Math.min(s, n) * ps;
    if (s < n) continue;
    const k = s - n; // callers ahead of an arrival finding this state
    pWait += ps;
    meanQueue += k * ps;
  }
  // For a caller with k ahead: P(served) = Nμ / (Nμ + (k+1)θ); its wait is the sum of the stage
  // times with rates Nμ + (j+1)θ, j = k..0, whichever way each stage ends (competing exponentials).
  let harmonic = 0;
  for (let k = 0; n + k < p.length; k++) {
    harmonic += 1 / (nMu + (k + 1) * theta);
    servedWaitMass += (p[n + k] ?? 0) * (nMu / (nMu + (k + 1) * theta)) * harmonic;
  }
  const abandonRate = (theta * meanQueue) / lambda;
  const { servedWithin, abandonedWithin } = taggedCallerWithin(p, n, nMu, theta, thresholdSec);
  return {
    agents: n,
    offeredLoad: lambda * ahtSec,
    occupancy: busyAgents / n,
    pWait,
    abandonRate,
    meanWaitAllSec: meanQueue / lambda,
    asaServedSec: servedWaitMass / (1 - abandonRate),
    serviceLevel: servedWithin,
    serviceLevelExcludingEarlyAbandons: servedWithin / (1 - abandonedWithin),
    abandonedWithinThreshold: abandonedWithin,
  };
}

/**
 * Probability that an arriving caller is served (resp. abandons) within `t` seconds, by
 * uniformisation of the chain "j callers ahead of me" (j = k..0, then served), with abandonment
 * at rate θ from every waiting state.
 */
function taggedCallerWithin(
  p: readonly number[],
  n: number,
  nMu: number,
  theta: number,
  t: number,
): { servedWithin: number; abandonedWithin: number } {
  let servedAtOnce = 0;
  for (let s = 0; s < n && s < p.length; s++) servedAtOnce += p[s] ?? 0;
  const kMax = p.length - n - 1;
  if (kMax < 0) return { servedWithin: servedAtOnce, abandonedWithin: 0 };
  let waiting = new Float64Array(kMax + 1);
  for (let k = 0; k <= kMax; k++) waiting[k] = p[n + k] ?? 0;
  const uniformRate = nMu + (kMax + 1) * theta;
  const mean = uniformRate * t;
  let served = 0;
  let abandoned = 0;
  let servedWithin = 0;
  let abandonedWithin = 0;
  let cumulativePoisson = 0;
  // Poisson(mean) weights in log space so that large means neither underflow nor overflow.
  const logMean = Math.log(mean);
  let logFactorial = 0;
  for (let step = 0; ; step++) {
    if (step > 0) logFactorial += Math.log(step);
    const weight = Math.exp(-mean + step * logMean - logFactorial);
    servedWithin += weight * served;
    abandonedWithin += weight * abandoned;
    cumulativePoisson += weight;
    if ((step > mean && 1 - cumulativePoisson < POISSON_TAIL) || step > mean + 50 * Math.sqrt(mean) + 100)
      break;
    const next = new Float64Array(kMax + 1);
    for (let j = 0; j <= kMax; j++) {
      const mass = waiting[j] ?? 0;
      if (mass === 0) continue;
      const advance = (nMu + j * theta) / uniformRate;
      const quit = theta / uniformRate;
      if (j === 0) served += mass * advance;
      else next[j - 1] = (next[j - 1] ?? 0) + mass * advance;
      abandoned += mass * quit;
      next[j] = (next[j] ?? 0) + mass * (1 - advance - quit);
    }
    waiting = next;
  }
  // The remaining Poisson tail (< 1e-13) is counted at the last step's values.
  const tail = Math.max(0, 1 - cumulativePoisson);
  return {
    servedWithin: servedAtOnce + servedWithin + tail * served,
    abandonedWithin: abandonedWithin + tail * abandoned,
  };
}

function assertAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 1) throw new RangeError('agents must be a positive integer');
}

/** Erlang C metrics for every N from `from` to `to` in O(to) total (the B recursion is shared). */
export function erlangCSweep(base: Omit<ErlangCInput, 'agents'>, from: number, to: number): ErlangCResult[] {
  const a = base.lambda * base.ahtSec;
  const out: ErlangCResult[] = [];
  let b = 1;
  for (let n = 1; n <= to; n++) {
    b = (a * b) / (n + a * b);
    if (n >= from) out.push(erlangCWithB({ ...base, agents: n }, b));
  }
  return out;
}
