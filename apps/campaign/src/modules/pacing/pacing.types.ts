/**
 * What a pacer sees of the campaign's agents at one instant (from acd's agent states). Durations are
 * in seconds. Agents that are not ready or logged out are left out: they take no calls.
 */
export type AgentView =
  /** Free now and not set aside for a dial. */
  | { readonly state: 'available' }
  /** Set aside by acd for one dial (progressive and preview): busy until that dial ends. */
  | { readonly state: 'reserved' }
  /** Talking for `elapsedSec` (reserved or ringing for a call counts as talking from 0). */
  | { readonly state: 'on_call'; readonly elapsedSec: number }
  /** In wrap-up for `elapsedSec`. */
  | { readonly state: 'wrap_up'; readonly elapsedSec: number };

export interface PacingSnapshot {
  readonly agents: readonly AgentView[];
  /** Dials ringing and not answered yet: seconds each has rung. */
  readonly dialingElapsedSec: readonly number[];
  /** Live answers waiting for an agent right now (they take the next agents first). */
  readonly waitingLiveAnswers: number;
}

/** The learned model of the campaign's calls that the predictive pacer plans with. */
export interface PacingModel {
  /** Probability that a dial reaches a live person. */
  readonly answerRate: number;
  /** P(live answer within t seconds of dialing | it is a live answer), t = 0, 1, 2, ... seconds. */
  readonly ringCdf: Float64Array;
  /** Unanswered dials are given up after this many seconds. */
  readonly giveUpSec: number;
  /** P(talk lasts more than t seconds) at t = 0, 1, 2, ... seconds (beyond the array: `talkTailMeanSec`). */
  readonly talkSurvival: Float64Array;
  /** Mean residual talk time beyond the survival array (memoryless tail). */
  readonly talkTailMeanSec: number;
  readonly wrapSec: number;
}

/** How many dials to place now (>= 0). */
export interface Pacer {
  readonly mode: PacingMode;
  dialsToPlace(snapshot: PacingSnapshot): number;
}

export type PacingMode = 'preview' | 'progressive' | 'predictive';
