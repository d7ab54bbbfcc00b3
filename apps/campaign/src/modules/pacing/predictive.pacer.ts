import type { WindowCounts } from '../ledger/abandonment-ledger';
import {
  abandonmentGuard,
  type AbandonmentGuardOptions,
  DEFAULT_GUARD,
  type GuardVerdict,
} from './abandonment-guard';
import { normalCdf, normalPdf } from './normal.util';
import type { AgentView, Pacer, PacingModel, PacingSnapshot } from './pacing.types';

export interface PredictivePacerOptions {
  readonly guard: AbandonmentGuardOptions;
  /** The share of the limit the feedback loop aims at (the rest is the margin for bad luck). */
  readonly targetShare: number;
  /** A live answer may wait this long for an agent before it is abandoned (2 s safe harbour). */
  readonly connectGraceSec: number;
  /** Starting risk a new dial may carry (probability that it is abandoned if it is answered). */
  readonly initialRisk: number;
  /** Step of the feedback loop on log(risk) per resolved live answer. */
  readonly gain: number;
  readonly minRisk: number;
  readonly maxRisk: number;
  /** Never more dials in flight than this many per ready agent. */
  readonly maxDialsPerAgent: number;
}

export const DEFAULT_PREDICTIVE: PredictivePacerOptions = {
  guard: DEFAULT_GUARD,
  targetShare: 0.9,
  connectGraceSec: 2,
  initialRisk: 0.05,
  gain: 0.05,
  minRisk: 0.002,
  maxRisk: 0.4,
  maxDialsPerAgent: 4,
};

export interface PredictiveDecision {
  readonly dials: number;
  /** The risk a new dial was allowed to carry (0 = guarded: progressive only). */
  readonly riskBudget: number;
  readonly guard: GuardVerdict;
  /** Expected live answers still to come from the dials in flight. */
  readonly pendingLiveAnswers: number;
}

/**
 * The predictive pacer: dials one more call while the probability that this call, if a person
 * answers, finds no agent within the connect grace stays under a risk budget.
 *
 * That probability comes from the model (live answer rate, ring-time distribution, the residual talk
 * time of each agent on a call and the wrap-up left, i.e. when each agent frees up) by a normal
 * approximation of (agents free by t + grace) - (earlier live answers by t) for each second t the
 * new call may be answered at. The risk budget is steered by feedback on the abandonments that
 * actually happen (it aims at `targetShare` of the limit) and capped by the abandonment guard over
 * the ledger's rolling windows. See docs/adr/0012-campaign-pacing.md.
 */
export class PredictivePacer implements Pacer {
  readonly mode = 'predictive' as const;
  private logRisk: number;
  private guarded = true;

  constructor(
    private readonly model: () => PacingModel,
    private readonly ledgerWindows: () => readonly WindowCounts[],
    private readonly options: PredictivePacerOptions = DEFAULT_PREDICTIVE,
  ) {
    this.logRisk = Math.log(options.initialRisk);
  }

  /** The current risk budget before the guard. */
  get risk(): number {
    return Math.exp(this.logRisk);
  }

  /**
   * Feedback from one resolved live answer. Stochastic approximation: the budget settles where the
   * abandoned share of live answers equals the target. While guarded, connects do not raise it
   * (those calls carried no risk, they say nothing about the budget).
   */
  onLiveAnswer(abandoned: boolean): void {
    const target = this.options.guard.limit * this.options.targetShare;
    if (abandoned) this.logRisk -= this.options.gain * (1 - target);
    else if (!this.guarded) this.logRisk += this.options.gain * target;
    this.logRisk = Math.min(
      Math.log(this.options.maxRisk),
      Math.max(Math.log(this.options.minRisk), this.logRisk),
    );
  }

  dialsToPlace(snapshot: PacingSnapshot): number {
    return this.decide(snapshot).dials;
  }

  decide(snapshot: PacingSnapshot): PredictiveDecision {
    const model = this.model();
    const ready = snapshot.agents.length;
    const pending = pendingLive(model, snapshot.dialingElapsedSec);
    const plan = ready > 0 ? new ExposurePlan(model, snapshot, this.options.connectGraceSec) : undefined;
    // Abandonments the calls in flight may still cause: the larger of the state's own expected
    // shortfall of agents (when agents stay busy longer than usual it is well above the average) and
    // the calls charged at least the limit itself (placed under budgets up to the current one).
    const pendingAbandonments = Math.max(
      plan?.expectedShortfall() ?? 0,
      Math.max(this.risk, this.options.guard.limit) * pending + snapshot.waitingLiveAnswers,
    );
    const verdict = abandonmentGuard(this.ledgerWindows(), pendingAbandonments, this.options.guard);
    const riskBudget = this.risk * verdict.riskScale;
    this.guarded = riskBudget <= 0;
    if (!plan) return { dials: 0, riskBudget, guard: verdict, pendingLiveAnswers: pending };
    if (this.guarded) {
      // Progressive fallback: one dial per available agent no dial in flight or waiting answer covers.
      const available = snapshot.agents.filter((a) => a.state === 'available').length;
      const dials = Math.max(0, available - snapshot.dialingElapsedSec.length - snapshot.waitingLiveAnswers);
      return { dials, riskBudget, guard: verdict, pendingLiveAnswers: pending };
    }
    const cap = Math.max(
      0,
      Math.floor(ready * this.options.maxDialsPerAgent) - snapshot.dialingElapsedSec.length,
    );
    let dials = 0;
    while (dials < cap && plan.riskOfNextDial() <= riskBudget) {
      plan.addDial();
      dials++;
    }
    return { dials, riskBudget, guard: verdict, pendingLiveAnswers: pending };
  }
}

/** Expected live answers still to come from dials that rang `elapsed` seconds. */
export function pendingLive(model: PacingModel, elapsed: readonly number[]): number {
  let sum = 0;
  for (const e of elapsed) sum += liveGivenUnanswered(model, e);
  return sum;
}

function liveGivenUnanswered(model: PacingModel, elapsedSec: number): number {
  const p = model.answerRate;
  const liveLeft = p * (1 - cdfAt(model.ringCdf, elapsedSec));
  const otherLeft = elapsedSec < model.giveUpSec ? 1 - p : 0;
  const total = liveLeft + otherLeft;
  return total > 0 ? liveLeft / total : 0;
}

function cdfAt(cdf: Float64Array, t: number): number {
  if (t <= 0) return cdf[0]!;
  const i = Math.floor(t);
  if (i >= cdf.length - 1) return cdf[cdf.length - 1]!;
  const f = t - i;
  return cdf[i]! * (1 - f) + cdf[i + 1]! * f;
}

function talkSurvivalAt(model: PacingModel, t: number): number {
  const s = model.talkSurvival;
  const last = s.length - 1;
  if (t <= last) {
    const i = Math.floor(t);
    const f = t - i;
    return i >= last ? s[last]! : s[i]! * (1 - f) + s[i + 1]! * f;
  }
  return s[last]! * Math.exp(-(t - last) / model.talkTailMeanSec);
}

/** P(the agent is free within `t` seconds). */
function freeWithin(model: PacingModel, agent: AgentView, t: number): number {
  switch (agent.state) {
    case 'available':
      return 1;
    case 'reserved':
      return 0;
    case 'wrap_up':
      return t >= Math.max(0, model.wrapSec - agent.elapsedSec) ? 1 : 0;
    case 'on_call': {
      const talkLeft = t - model.wrapSec;
      if (talkLeft < 0) return 0;
      const alive = talkSurvivalAt(model, agent.elapsedSec);
      if (alive < 1e-6) return 1 - Math.exp(-talkLeft / model.talkTailMeanSec);
      return 1 - talkSurvivalAt(model, agent.elapsedSec + talkLeft) / alive;
    }
  }
}

/**
 * For each second s ahead: the mean and variance of (agents free by s + grace) minus (live answers
 * of earlier dials by s) minus the answers already waiting, as sums of independent Bernoullis.
 */
class ExposurePlan {
  private readonly horizon: number;
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  /** P(a new dial is answered live in (s-1, s]) / p, i.e. the ring-time pmf of a live answer. */
  private readonly newDialPmf: Float64Array;
  /** P(a new dial is answered live by s). */
  private readonly newDialCdf: Float64Array;

  constructor(model: PacingModel, snapshot: PacingSnapshot, grace: number) {
    const cdf = model.ringCdf;
    let horizon = cdf.length - 1;
    while (horizon > 1 && cdf[horizon - 1]! >= 0.999) horizon--;
    this.horizon = horizon;
    this.mean = new Float64Array(horizon + 1);
    this.variance = new Float64Array(horizon + 1);
    this.newDialPmf = new Float64Array(horizon + 1);
    this.newDialCdf = new Float64Array(horizon + 1);
    const p = model.answerRate;
    for (let s = 0; s <= horizon; s++) {
      this.newDialPmf[s] = s === 0 ? cdf[0]! : cdf[s]! - cdf[s - 1]!;
      this.newDialCdf[s] = p * cdf[s]!;
      let m = -snapshot.waitingLiveAnswers;
      let v = 0;
      for (const agent of snapshot.agents) {
        const a = freeWithin(model, agent, s + grace);
        m += a;
        v += a * (1 - a);
      }
      this.mean[s] = m;
      this.variance[s] = v;
    }
    for (const e of snapshot.dialingElapsedSec) {
      const liveLeft = p * (1 - cdfAt(cdf, e));
      const total = liveLeft + (e < model.giveUpSec ? 1 - p : 0);
      if (total <= 0) continue;
      const base = cdfAt(cdf, e);
      for (let s = 0; s <= horizon; s++) {
        const r = (p * (cdfAt(cdf, e + s) - base)) / total;
        this.mean[s]! -= r;
        this.variance[s]! += r * (1 - r);
      }
    }
  }

  /** P(a new dial, if answered live, finds no agent within the grace). */
  riskOfNextDial(): number {
    let risk = 0;
    let weight = 0;
    for (let s = 0; s <= this.horizon; s++) {
      const w = this.newDialPmf[s]!;
      if (w <= 0) continue;
      // Abandoned when fewer than one agent is left for it: P(D < 1) with continuity correction.
      const z = (0.5 - this.mean[s]!) / Math.sqrt(this.variance[s]! + 0.05);
      risk += w * normalCdf(z);
      weight += w;
    }
    return weight > 0 ? risk / weight : 1;
  }

  /**
   * Expected live answers of the dials in flight (and those waiting) that will find no agent: the
   * largest E[(-D)+] over the horizon, D ~ N(mean, variance).
   */
  expectedShortfall(): number {
    let worst = 0;
    for (let s = 0; s <= this.horizon; s++) {
      const sd = Math.sqrt(this.variance[s]! + 0.05);
      const m = this.mean[s]!;
      const shortfall = sd * normalPdf(m / sd) - m * normalCdf(-m / sd);
      if (shortfall > worst) worst = shortfall;
    }
    return worst;
  }

  addDial(): void {
    for (let s = 0; s <= this.horizon; s++) {
      const r = this.newDialCdf[s]!;
      this.mean[s]! -= r;
      this.variance[s]! += r * (1 - r);
    }
  }
}
