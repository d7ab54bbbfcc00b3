import { IndexedHeap, type HeapSlot } from '../indexed-heap.util';
import { RoutingEngine } from '../routing.engine';
import { ManualClock, type RoutingEvent, type SkillRequirement } from '../routing.types';
import { Random } from './random.util';

/**
 * A discrete-event simulation that drives the REAL routing engine with a virtual clock: Poisson
 * arrivals per call type, exponential handle times and (optionally) exponential patience. Offers are
 * answered at once (ring time 0), so the engine's decisions alone shape the waiting times that queueing
 * theory predicts.
 */

export interface CallTypeSpec {
  readonly name: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly callsPerHour: number;
  readonly ahtSec: number;
  /** Mean patience; omitted = callers never hang up. */
  readonly patienceSec?: number;
  readonly skills?: readonly SkillRequirement[];
  readonly priority?: number;
}

export interface SimulationSpec {
  readonly seed: number;
  /** Arrivals counted in the results (after the warm-up). */
  readonly calls: number;
  /** Arrivals simulated before counting starts (the system starts empty). */
  readonly warmupCalls?: number;
  readonly thresholdSec: number;
  readonly callTypes: readonly CallTypeSpec[];
  /** Configures tenants, queues and agents and logs the agents in ready. */
  readonly setup: (engine: RoutingEngine) => void;
  /** Agents that work (for occupancy). */
  readonly agents: number;
  /** Sees every fact the engine emits (e.g. the statistics module). */
  readonly onEvents?: (events: readonly RoutingEvent[]) => void;
}

export interface TypeResult {
  offered: number;
  answered: number;
  abandoned: number;
  /** Callers who did not get an agent on arrival. */
  waited: number;
  answeredWithin: number;
  abandonedWithin: number;
  sumWaitAnsweredSec: number;
  sumWaitAllSec: number;
}

export interface SimulationResult extends TypeResult {
  readonly byType: Readonly<Record<string, TypeResult>>;
  readonly pWait: number;
  /** Answered within threshold / offered (abandons count as misses). */
  readonly sl: number;
  /** Answered within threshold / (offered - abandoned within threshold). */
  readonly slExcludingShortAbandons: number;
  /** Answered within threshold / answered. */
  readonly slOfAnswered: number;
  /** Mean wait of answered calls (including zero waits). */
  readonly asaSec: number;
  readonly meanWaitAllSec: number;
  readonly abandonRate: number;
  readonly occupancy: number;
  readonly simulatedHours: number;
  readonly engineEvents: number;
}

type SimEventKind = 'arrival' | 'end' | 'abandon' | 'timer';

interface SimEvent extends HeapSlot {
  readonly at: number;
  readonly seq: number;
  readonly kind: SimEventKind;
  /** Call type index (arrival) or call index (end, abandon). */
  readonly ref: number;
}

interface SimCall {
  readonly id: string;
  readonly type: number;
  readonly arrivedAt: number;
  readonly counted: boolean;
  state: 'waiting' | 'talking' | 'done';
}

const emptyResult = (): TypeResult => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  waited: 0,
  answeredWithin: 0,
  abandonedWithin: 0,
  sumWaitAnsweredSec: 0,
  sumWaitAllSec: 0,
});

export function runSimulation(spec: SimulationSpec): SimulationResult {
  const rng = new Random(spec.seed);
  const clock = new ManualClock(0);
  const engine = new RoutingEngine({ clock, defaultRingTimeoutMs: 0 });
  spec.setup(engine);

  const thresholdMs = spec.thresholdSec * 1000;
  const events = new IndexedHeap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  let seq = 0;
  const push = (at: number, kind: SimEventKind, ref: number) =>
    events.push({ at, seq: seq++, kind, ref, heapPos: -1 });

  const types = spec.callTypes;
  const results = types.map(() => emptyResult());
  const calls = new Map<string, number>();
  const callRecs: SimCall[] = [];
  const warmup = spec.warmupCalls ?? 0;
  const totalArrivals = warmup + spec.calls;
  let arrivals = 0;
  let engineEvents = 0;
  let countStart = -1;
  let countEnd = -1;
  let busyMsCounted = 0;
  let scheduledTimer = Infinity;

  const handle = (out: RoutingEvent[]) => {
    engineEvents += out.length;
    spec.onEvents?.(out);
    for (const e of out) {
      if (e.type === 'call.assigned') {
        const idx = calls.get(e.callId) as number;
        const call = callRecs[idx] as SimCall;
        call.state = 'talking';
        const type = types[call.type] as CallTypeSpec;
        const waitMs = clock.now() - call.arrivedAt;
        if (call.counted) {
          const r = results[call.type] as TypeResult;
          r.answered++;
          if (waitMs <= thresholdMs) r.answeredWithin++;
          r.sumWaitAnsweredSec += waitMs / 1000;
          r.sumWaitAllSec += waitMs / 1000;
        }
        const talkMs = rng.exponential(type.ahtSec * 1000);
        // Only talk inside the counting window counts towards occupancy.
        if (countStart >= 0) busyMsCounted += talkMs;
        handle(engine.offerResult(e.callId, 'answered'));
        push(clock.now() + talkMs, 'end', idx);
      }
    }
    const next = engine.nextTimerAt();
    if (next !== undefined && next < scheduledTimer) {
      scheduledTimer = next;
      push(next, 'timer', 0);
    }
  };

  types.forEach((t, i) => push(rng.exponential(3_600_000 / t.callsPerHour), 'arrival', i));

  for (;;) {
    const ev = events.pop();
    if (!ev) break;
    clock.set(ev.at);
    switch (ev.kind) {
      case 'arrival': {
        if (arrivals >= totalArrivals) break;
        const type = types[ev.ref] as CallTypeSpec;
        const counted = arrivals >= warmup;
        if (counted && countStart < 0) {
          countStart = ev.at;
          busyMsCounted = 0;
        }
        arrivals++;
        if (arrivals === totalArrivals) countEnd = ev.at;
        const idx = callRecs.length;
        const id = `c${idx}`;
        callRecs.push({ id, type: ev.ref, arrivedAt: ev.at, counted, state: 'waiting' });
        calls.set(id, idx);
        if (counted) (results[ev.ref] as TypeResult).offered++;
        if (type.patienceSec !== undefined)
          push(ev.at + rng.exponential(type.patienceSec * 1000), 'abandon', idx);
        push(ev.at + rng.exponential(3_600_000 / type.callsPerHour), 'arrival', ev.ref);
        handle(
          engine.enqueue({
            callId: id,
            tenantId: type.tenantId,
            queueId: type.queueId,
            ...(type.skills ? { skills: type.skills } : {}),
            ...(type.priority !== undefined ? { priority: type.priority } : {}),
          }),
        );
        const call = callRecs[idx] as SimCall;
        if (call.state === 'waiting' && call.counted) (results[ev.ref] as TypeResult).waited++;
        break;
      }
      case 'abandon': {
        const call = callRecs[ev.ref] as SimCall;
        if (call.state !== 'waiting') break;
        call.state = 'done';
        if (call.counted) {
          const r = results[call.type] as TypeResult;
          const waitMs = ev.at - call.arrivedAt;
          r.abandoned++;
          if (waitMs <= thresholdMs) r.abandonedWithin++;
          r.sumWaitAllSec += waitMs / 1000;
        }
        handle(engine.cancel(call.id, 'abandoned'));
        calls.delete(call.id);
        break;
      }
      case 'end': {
        const call = callRecs[ev.ref] as SimCall;
        call.state = 'done';
        handle(engine.endCall(call.id));
        calls.delete(call.id);
        break;
      }
      case 'timer':
        scheduledTimer = Infinity;
        handle(engine.tick());
        break;
    }
  }

  const total = emptyResult();
  const byType: Record<string, TypeResult> = {};
  results.forEach((r, i) => {
    byType[(types[i] as CallTypeSpec).name] = r;
    for (const k of Object.keys(total) as (keyof TypeResult)[]) total[k] += r[k];
  });
  const durationMs = Math.max(1, countEnd - countStart);
  return {
    ...total,
    byType,
    pWait: total.waited / total.offered,
    sl: total.answeredWithin / total.offered,
    slExcludingShortAbandons: total.answeredWithin / (total.offered - total.abandonedWithin),
    slOfAnswered: total.answeredWithin / total.answered,
    asaSec: total.sumWaitAnsweredSec / total.answered,
    meanWaitAllSec: total.sumWaitAllSec / total.offered,
    abandonRate: total.abandoned / total.offered,
    occupancy: busyMsCounted / (spec.agents * durationMs),
    simulatedHours: durationMs / 3_600_000,
    engineEvents,
  };
}
