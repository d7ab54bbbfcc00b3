/**
 * The ideal M/M/N (+M) queue the platform is measured against, run on the very callers the benchmark
 * placed: first come first served, any free agent, no latency, patience counted from arrival. Its
 * result differs from Erlang's only by sampling noise, and from the platform's only by what the
 * platform adds: the difference of the two is the platform's own effect (common random numbers).
 */
export interface ReferenceCaller {
  arrivalS: number;
  talkS: number;
  /** undefined: waits forever. */
  patienceS?: number;
}

export interface ReferenceOutcome {
  answered: boolean;
  waitS: number;
}

/** Exact for FCFS with reneging: callers take servers in arrival order, one who gives up takes none. */
export function runReferenceQueue(agents: number, callers: readonly ReferenceCaller[]): ReferenceOutcome[] {
  const sorted = callers.map((c, i) => ({ ...c, i })).sort((a, b) => a.arrivalS - b.arrivalS);
  // Free-at times of the agents as a binary min-heap.
  const heap: number[] = Array.from({ length: agents }, () => -Infinity);
  const siftDown = (): void => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && (heap[l] as number) < (heap[m] as number)) m = l;
      if (r < heap.length && (heap[r] as number) < (heap[m] as number)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
      i = m;
    }
  };
  const out: ReferenceOutcome[] = new Array<ReferenceOutcome>(callers.length);
  for (const c of sorted) {
    const freeAt = heap[0] as number;
    const start = Math.max(c.arrivalS, freeAt);
    const wait = start - c.arrivalS;
    if (c.patienceS !== undefined && wait > c.patienceS) {
      out[c.i] = { answered: false, waitS: c.patienceS };
      continue;
    }
    heap[0] = start + c.talkS;
    siftDown();
    out[c.i] = { answered: true, waitS: wait };
  }
  return out;
}
