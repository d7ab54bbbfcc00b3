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

interface ScaledTimer {
  id: TimerId;
  /** Simulated deadline. */
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Deadline order, then scheduling order: the order a simulation promises. */
const runsBefore = (a: ScaledTimer, b: ScaledTimer): boolean =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * Wall-clock time sped up (or slowed down) by `timeScale`: 30 means one simulated minute takes two real seconds.
 *
 * Simulated time stands still within one synchronous turn (one request, one timer batch), and timers fire in the
 * order of their simulated deadlines from one queue with a single Node timer for the earliest. With one Node timer
 * per world timer, a pause of the process (GC, a busy machine) between scheduling two timers inverted them: an
 * endpoint set to answer at once lost the race against its 30 s originate timeout, which is 30 real ms at scale
 * 1000, and the call failed with cause 19.
 */
export class ScaledClock implements Clock {
  private originReal = Date.now();
  private originSim = Date.now();
  private scale: number;
  private nextId = 1;
  private seq = 0;
  /** Binary min-heap by (at, seq); cancelled entries are dropped when they reach the top. */
  private heap: ScaledTimer[] = [];
  private readonly live = new Map<TimerId, ScaledTimer>();
  private wake: NodeJS.Timeout | undefined;
  private wakeAtReal = Number.POSITIVE_INFINITY;
  private turnNow: number | undefined;
  private afterEachTimer: (() => void) | undefined;

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
    const scale = ScaledClock.checkScale(timeScale);
    const realNow = Date.now();
    const simNow = this.simAt(realNow);
    const realDeadline = (at: number): number => this.originReal + (at - this.originSim) / this.scale;
    const newOriginReal = realNow;
    // The mapping is monotonic, so the heap stays ordered.
    for (const timer of this.heap) timer.at = simNow + (realDeadline(timer.at) - newOriginReal) * scale;
    this.scale = scale;
    this.originReal = newOriginReal;
    this.originSim = simNow;
    this.turnNow = undefined;
    this.arm();
  }

  now(): number {
    if (this.turnNow === undefined) {
      this.turnNow = this.simAt(Date.now());
      queueMicrotask(() => (this.turnNow = undefined));
    }
    return this.turnNow;
  }

  setTimer(simMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    const timer: ScaledTimer = {
      id,
      at: this.now() + Math.max(0, simMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.push(timer);
    this.live.set(id, timer);
    this.arm();
    return id;
  }

  clearTimer(id: TimerId): void {
    const timer = this.live.get(id);
    if (timer) {
      timer.cancelled = true;
      this.live.delete(id);
    }
  }

  pendingTimers(): number {
    return this.live.size;
  }

  /** Cancels everything (server shutdown). */
  clearAll(): void {
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAtReal = Number.POSITIVE_INFINITY;
    this.heap = [];
    this.live.clear();
  }

  /**
   * Runs `fn` after each timer of a batch (the transport writes out what that timer produced before the next one
   * runs, as it did when each timer was its own Node timer followed by process.nextTick).
   */
  onTimerRan(fn: () => void): void {
    this.afterEachTimer = fn;
  }

  private simAt(realMs: number): number {
    return this.originSim + (realMs - this.originReal) * this.scale;
  }

  /** Keeps one Node timer armed for the earliest live deadline. */
  private arm(): void {
    while (this.heap[0]?.cancelled) this.pop();
    const head = this.heap[0];
    if (!head) {
      if (this.wake !== undefined) clearTimeout(this.wake);
      this.wake = undefined;
      this.wakeAtReal = Number.POSITIVE_INFINITY;
      return;
    }
    const dueReal = this.originReal + (head.at - this.originSim) / this.scale;
    if (this.wake !== undefined && this.wakeAtReal <= dueReal) return;
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wakeAtReal = dueReal;
    this.wake = setTimeout(() => this.fire(), Math.max(0, dueReal - Date.now()));
  }

  /** Runs every timer due now that existed when this turn began, in (deadline, scheduling) order. */
  private fire(): void {
    this.wake = undefined;
    this.wakeAtReal = Number.POSITIVE_INFINITY;
    const now = this.now();
    const existing = this.seq;
    try {
      for (;;) {
        const head = this.heap[0];
        // Timers scheduled by these callbacks run in a later turn, as they did with one Node timer each.
        if (!head || head.at > now || head.seq >= existing) break;
        this.pop();
        if (head.cancelled) continue;
        this.live.delete(head.id);
        head.fn();
        this.afterEachTimer?.();
      }
    } finally {
      this.arm();
    }
  }

  private push(timer: ScaledTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!runsBefore(timer, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && runsBefore(heap[right]!, heap[left]!) ? right : left;
      if (!runsBefore(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
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

let lastTimestampMs = Number.NaN;
let lastTimestampText = '';

/**
 * Asterisk's timestamp format: 2026-11-23T13:14:48.693+0000. Every event carries one and a busy tick emits dozens
 * within the same millisecond, so the last one is kept rather than formatting a Date each time.
 */
export function asteriskTimestamp(ms: number): string {
  if (ms !== lastTimestampMs) {
    lastTimestampText = new Date(ms).toISOString().replace('Z', '+0000');
    lastTimestampMs = ms;
  }
  return lastTimestampText;
}
