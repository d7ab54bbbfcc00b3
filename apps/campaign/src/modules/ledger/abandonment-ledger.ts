/** A rolling window the ledger keeps: regulators count abandonment per campaign over one of these. */
export interface LedgerWindow {
  readonly name: string;
  readonly lengthMs: number;
}

export const THIRTY_DAYS: LedgerWindow = { name: '30d', lengthMs: 30 * 24 * 3_600_000 };
export const TWENTY_FOUR_HOURS: LedgerWindow = { name: '24h', lengthMs: 24 * 3_600_000 };
export const REGULATORY_WINDOWS: readonly LedgerWindow[] = [THIRTY_DAYS, TWENTY_FOUR_HOURS];

export interface WindowCounts {
  readonly window: string;
  readonly dials: number;
  /** Every live answer, connected or abandoned: the denominator of the abandonment rate. */
  readonly liveAnswers: number;
  readonly abandoned: number;
  /** abandoned / liveAnswers (0 without live answers). */
  readonly rate: number;
}

interface Bucket {
  dials: number;
  liveAnswers: number;
  abandoned: number;
}

interface WindowState {
  readonly window: LedgerWindow;
  /** First minute inside the window as last advanced. */
  startMinute: number;
  dials: number;
  liveAnswers: number;
  abandoned: number;
}

const MINUTE_MS = 60_000;

/**
 * Dials, live answers and abandoned calls of one campaign (or one tenant) in one-minute buckets, with
 * running sums over each rolling window. Each query advances the windows to `nowMs`, so the cost is one
 * step per elapsed minute, not one per bucket: cheap enough for a pacer that asks every second.
 * A window is "any rolling window": its counts at `nowMs` cover (nowMs - length, nowMs].
 */
export class AbandonmentLedger {
  private readonly buckets = new Map<number, Bucket>();
  private readonly states: WindowState[];
  private prunedBefore = Number.NEGATIVE_INFINITY;

  constructor(windows: readonly LedgerWindow[] = REGULATORY_WINDOWS) {
    this.states = windows.map((window) => ({
      window,
      startMinute: Number.NEGATIVE_INFINITY,
      dials: 0,
      liveAnswers: 0,
      abandoned: 0,
    }));
  }

  recordDial(atMs: number): void {
    this.add(atMs, { dials: 1, liveAnswers: 0, abandoned: 0 });
  }

  /** A live answer; `abandoned` when it reached no agent in time (safe-harbour message played). */
  recordLiveAnswer(atMs: number, abandoned: boolean): void {
    this.add(atMs, { dials: 0, liveAnswers: 1, abandoned: abandoned ? 1 : 0 });
  }

  counts(window: string, nowMs: number): WindowCounts {
    const state = this.states.find((s) => s.window.name === window);
    if (!state) throw new Error(`the ledger keeps no window ${window}`);
    this.advance(state, nowMs);
    return {
      window,
      dials: state.dials,
      liveAnswers: state.liveAnswers,
      abandoned: state.abandoned,
      rate: state.liveAnswers > 0 ? state.abandoned / state.liveAnswers : 0,
    };
  }

  allCounts(nowMs: number): WindowCounts[] {
    return this.states.map((s) => this.counts(s.window.name, nowMs));
  }

  private add(atMs: number, delta: Bucket): void {
    const minute = Math.floor(atMs / MINUTE_MS);
    const bucket = this.buckets.get(minute) ?? { dials: 0, liveAnswers: 0, abandoned: 0 };
    bucket.dials += delta.dials;
    bucket.liveAnswers += delta.liveAnswers;
    bucket.abandoned += delta.abandoned;
    this.buckets.set(minute, bucket);
    for (const state of this.states) {
      if (minute >= state.startMinute) {
        state.dials += delta.dials;
        state.liveAnswers += delta.liveAnswers;
        state.abandoned += delta.abandoned;
      }
    }
  }

  private advance(state: WindowState, nowMs: number): void {
    const start = Math.floor((nowMs - state.window.lengthMs) / MINUTE_MS) + 1;
    if (start <= state.startMinute) return;
    if (state.startMinute === Number.NEGATIVE_INFINITY || start - state.startMinute > this.buckets.size) {
      // First query, or a jump longer than the data: sum what is left instead of stepping minutes.
      state.dials = 0;
      state.liveAnswers = 0;
      state.abandoned = 0;
      for (const [minute, b] of this.buckets) {
        if (minute < start) continue;
        state.dials += b.dials;
        state.liveAnswers += b.liveAnswers;
        state.abandoned += b.abandoned;
      }
    } else {
      for (let m = state.startMinute; m < start; m++) {
        const b = this.buckets.get(m);
        if (!b) continue;
        state.dials -= b.dials;
        state.liveAnswers -= b.liveAnswers;
        state.abandoned -= b.abandoned;
      }
    }
    state.startMinute = start;
    this.prune();
  }

  /** Buckets older than every window are dropped. */
  private prune(): void {
    const oldest = Math.min(...this.states.map((s) => s.startMinute));
    if (!Number.isFinite(oldest) || oldest - this.prunedBefore < 60) return;
    for (const minute of this.buckets.keys()) if (minute < oldest) this.buckets.delete(minute);
    this.prunedBefore = oldest;
  }
}
