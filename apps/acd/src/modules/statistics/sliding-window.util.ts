/**
 * Counters over the last 15 minutes and the last hour, plus since local midnight and since start,
 * with O(1) amortised updates and O(1) reads.
 *
 * One ring of 60 one-minute buckets serves both sliding windows: two running totals are kept, and a
 * bucket is subtracted from the 15-minute total when it is 15 minutes old and from the hour total when
 * it is recycled. Each bucket is cleared once per lap, so advancing costs O(1) amortised.
 */

export const BUCKET_MS = 60_000;
const HOUR_BUCKETS = 60;
const QUARTER_BUCKETS = 15;

export type WindowName = 'last15m' | 'last1h' | 'today' | 'total';

/** The state of a WindowedCounters, to persist and load in another process (takeover). */
export interface CountersSnapshot {
  /** Minutes since the epoch of the newest bucket. */
  readonly head: number;
  readonly dayEndsAt: number;
  readonly day: readonly number[];
  readonly all: readonly number[];
  /** The non-empty buckets of the last hour: [minute, values]. */
  readonly minutes: readonly (readonly [number, readonly number[]])[];
}

const slotOf = (minute: number): number => ((minute % HOUR_BUCKETS) + HOUR_BUCKETS) % HOUR_BUCKETS;

export class WindowedCounters {
  private readonly ring: Float64Array;
  private readonly quarter: Float64Array;
  private readonly hour: Float64Array;
  private readonly day: Float64Array;
  private readonly all: Float64Array;
  /** Index (minutes since epoch) of the newest bucket. */
  private head = -Infinity;
  private dayEndsAt = -Infinity;

  constructor(
    private readonly fields: number,
    /** Start of the next local day after `now` (the tenant's time zone decides midnight). */
    private readonly nextMidnight: (now: number) => number,
  ) {
    this.ring = new Float64Array(HOUR_BUCKETS * fields);
    this.quarter = new Float64Array(fields);
    this.hour = new Float64Array(fields);
    this.day = new Float64Array(fields);
    this.all = new Float64Array(fields);
  }

  add(now: number, field: number, value = 1): void {
    this.advance(now);
    const slot = (((this.head % HOUR_BUCKETS) + HOUR_BUCKETS) % HOUR_BUCKETS) * this.fields;
    this.ring[slot + field] = (this.ring[slot + field] ?? 0) + value;
    this.quarter[field] = (this.quarter[field] ?? 0) + value;
    this.hour[field] = (this.hour[field] ?? 0) + value;
    this.day[field] = (this.day[field] ?? 0) + value;
    this.all[field] = (this.all[field] ?? 0) + value;
  }

  read(now: number, window: WindowName): Float64Array {
    this.advance(now);
    switch (window) {
      case 'last15m':
        return this.quarter;
      case 'last1h':
        return this.hour;
      case 'today':
        return this.day;
      case 'total':
        return this.all;
    }
  }

  snapshot(): CountersSnapshot | undefined {
    if (this.head === -Infinity) return undefined;
    const f = this.fields;
    const minutes: [number, number[]][] = [];
    for (let minute = this.head - HOUR_BUCKETS + 1; minute <= this.head; minute++) {
      const slot = slotOf(minute) * f;
      let empty = true;
      for (let i = 0; i < f && empty; i++) empty = this.ring[slot + i] === 0;
      if (!empty) minutes.push([minute, Array.from(this.ring.subarray(slot, slot + f))]);
    }
    return { head: this.head, dayEndsAt: this.dayEndsAt, day: [...this.day], all: [...this.all], minutes };
  }

  /** Replaces the counters with a snapshot (the windows slide on from its head at the next read). */
  load(snapshot: CountersSnapshot): void {
    const f = this.fields;
    this.ring.fill(0);
    this.quarter.fill(0);
    this.hour.fill(0);
    this.head = snapshot.head;
    this.dayEndsAt = snapshot.dayEndsAt;
    for (let i = 0; i < f; i++) {
      this.day[i] = snapshot.day[i] ?? 0;
      this.all[i] = snapshot.all[i] ?? 0;
    }
    for (const [minute, values] of snapshot.minutes) {
      if (minute > this.head || minute <= this.head - HOUR_BUCKETS) continue;
      const slot = slotOf(minute) * f;
      for (let i = 0; i < f; i++) {
        const v = values[i] ?? 0;
        this.ring[slot + i] = v;
        this.hour[i] = (this.hour[i] ?? 0) + v;
        if (minute > this.head - QUARTER_BUCKETS) this.quarter[i] = (this.quarter[i] ?? 0) + v;
      }
    }
  }

  private advance(now: number): void {
    if (now >= this.dayEndsAt) {
      this.day.fill(0);
      this.dayEndsAt = this.nextMidnight(now);
    }
    const minute = Math.floor(now / BUCKET_MS);
    if (minute <= this.head) return;
    if (this.head === -Infinity || minute - this.head >= HOUR_BUCKETS) {
      this.ring.fill(0);
      this.quarter.fill(0);
      this.hour.fill(0);
      this.head = minute;
      return;
    }
    const f = this.fields;
    while (this.head < minute) {
      this.head++;
      // The bucket that just turned 15 minutes old leaves the quarter total.
      const leavingQuarter = ((this.head - QUARTER_BUCKETS) % HOUR_BUCKETS) * f;
      // The slot being reused is 60 minutes old: it leaves the hour total and is cleared.
      const reused = (this.head % HOUR_BUCKETS) * f;
      for (let i = 0; i < f; i++) {
        this.quarter[i] = (this.quarter[i] ?? 0) - (this.ring[leavingQuarter + i] ?? 0);
        this.hour[i] = (this.hour[i] ?? 0) - (this.ring[reused + i] ?? 0);
        this.ring[reused + i] = 0;
      }
    }
  }
}

/** Start of the next calendar day in `timeZone` after `now` (handles DST through the zone's offset). */
export function nextMidnightIn(timeZone: string): (now: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const wallClock = (t: number): number => {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(t)))
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    return Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
  };
  return (now: number) => {
    const local = wallClock(now);
    const localMidnight = Date.UTC(
      new Date(local).getUTCFullYear(),
      new Date(local).getUTCMonth(),
      new Date(local).getUTCDate() + 1,
    );
    // Convert the local wall-clock midnight back to UTC with the offset in force around then.
    let guess = localMidnight - (local - now);
    guess = localMidnight - (wallClock(guess) - guess);
    return guess <= now ? now + 1 : guess;
  };
}
