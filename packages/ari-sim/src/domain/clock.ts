/**
 * Simulated time. Every world delay (ring time, caller patience, media length, dialplan Wait) is expressed in
 * simulated milliseconds and scheduled through a Clock, so a test can step time by hand and a demo can run a busy
 * hour in minutes by scaling it.
 */
export type TimerId = number;

export interface Clock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `simMs` simulated milliseconds. */
  setTimer(simMs: number, fn: () => void): TimerId;
  clearTimer(id: TimerId): void;
  /** Number of timers still pending (used by reset and by tests). */
  pendingTimers(): number;
}

/** Wall-clock time sped up (or slowed down) by `timeScale`: 30 means one simulated minute takes two real seconds. */
export class ScaledClock implements Clock {
  private originReal = Date.now();
  private originSim = Date.now();
  private scale: number;
  private nextId = 1;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();

  constructor(timeScale = 1) {
    this.scale = ScaledClock.checkScale(timeScale);
  }

  static checkScale(timeScale: number): number {
    if (!Number.isFinite(timeScale) || timeScale <= 0)
      throw new RangeError('timeScale must be a positive number');
    return timeScale;
  }

  get timeScale(): number {
    return this.scale;
  }

  /** Changes the speed from now on; timers already scheduled keep their real deadline. */
  setTimeScale(timeScale: number): void {
    const simNow = this.now();
    this.scale = ScaledClock.checkScale(timeScale);
    this.originReal = Date.now();
    this.originSim = simNow;
  }

  now(): number {
    return this.originSim + (Date.now() - this.originReal) * this.scale;
  }

  setTimer(simMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    const realMs = Math.max(0, simMs) / this.scale;
    const handle = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, realMs);
    this.timers.set(id, handle);
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle !== undefined) {
      clearTimeout(handle);
      this.timers.delete(id);
    }
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Cancels everything (server shutdown). */
  clearAll(): void {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}

interface ManualTimer {
  id: TimerId;
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to: deterministic tests without sleeps. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly timers = new Map<TimerId, ManualTimer>();

  constructor(startMs = Date.UTC(2026, 10, 23, 13, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(simMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, simMs), seq: this.seq++, fn });
    return id;
  }

  clearTimer(id: TimerId): void {
    this.timers.delete(id);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in deadline order (timers scheduled meanwhile included). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers.values()) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }
}

/** Asterisk's timestamp format: 2026-11-23T13:14:48.693+0000 */
export function asteriskTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
