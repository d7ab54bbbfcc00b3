import type { RoutingEngine } from '../src/modules/routing/routing.engine';
import type { RoutingEvent } from '../src/modules/routing/routing.types';
import { runSimulation } from '../src/modules/routing/simulation/call-center.simulation';
import { erlangA, erlangC } from '../src/modules/staffing/erlang.util';
import { RealtimeStatistics } from '../src/modules/statistics/realtime-statistics';

/** `--name value` pairs from the command line (numbers only), with defaults. */
export function numberArgs<T extends Record<string, number>>(defaults: T): T {
  const out: Record<string, number> = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag?.startsWith('--')) continue;
    const key = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const value = Number(argv[i + 1]);
    if (!(key in defaults) || !Number.isFinite(value)) throw new Error(`bad argument ${flag} ${argv[i + 1]}`);
    out[key] = value;
    i++;
  }
  return out as T;
}

/** One tenant, one queue, `agents` identical agents logged in ready. */
export function singleQueueSetup(agents: number) {
  return (engine: RoutingEngine): void => {
    engine.upsertTenant({ tenantId: 't1' });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', ringTimeoutMs: 0 });
    for (let i = 0; i < agents; i++) {
      engine.upsertAgent({ agentId: `a${i}`, profiles: [{ tenantId: 't1' }] });
      engine.login(`a${i}`, { ready: true });
    }
  };
}

export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** One single-queue run of the engine in the discrete-event simulation, against Erlang C or Erlang A. */
export interface ErlangRunSpec {
  readonly lambdaPerHour: number;
  readonly ahtSec: number;
  readonly agents: number;
  /** Mean patience (exponential); omitted = Erlang C (nobody hangs up). */
  readonly patienceSec?: number;
  readonly calls: number;
  readonly seed: number;
  readonly thresholdSec: number;
  /** Also feed the product's statistics module and report its figures next to the simulator's. */
  readonly withStatisticsModule?: boolean;
}

/** What queueing theory predicts for a run (Erlang C without patience, Erlang A with it). */
export interface ErlangExpected {
  readonly pWait: number;
  readonly abandoned: number;
  /** ASA of answered calls. */
  readonly asa: number;
  readonly sl: number;
  readonly slExcludingShortAbandons: number;
  readonly occupancy: number;
}

export function erlangTheory(spec: ErlangRunSpec): ErlangExpected & { model: 'erlang-c' | 'erlang-a' } {
  const base = {
    lambda: spec.lambdaPerHour / 3600,
    ahtSec: spec.ahtSec,
    agents: spec.agents,
    thresholdSec: spec.thresholdSec,
  };
  if (spec.patienceSec === undefined) {
    const c = erlangC(base);
    // Without abandonment every caller is answered: ASA of answered = mean wait of all, both SLs agree.
    return {
      model: 'erlang-c',
      pWait: c.pWait,
      abandoned: 0,
      asa: c.asaSec,
      sl: c.serviceLevel,
      slExcludingShortAbandons: c.serviceLevel,
      occupancy: c.occupancy,
    };
  }
  const a = erlangA({ ...base, patienceSec: spec.patienceSec });
  return {
    model: 'erlang-a',
    pWait: a.pWait,
    abandoned: a.abandonRate,
    asa: a.asaServedSec,
    sl: a.serviceLevel,
    slExcludingShortAbandons: a.serviceLevelExcludingEarlyAbandons,
    occupancy: a.occupancy,
  };
}

/**
 * Runs the engine through the simulation and compares with `expected` (the formula's values by
 * default; the table benches pass SCENARIOS.md's). Deviations: percentage points for fractions,
 * percent for ASA. Tolerances of SCENARIOS.md: 1 pp, ASA 5% (2% for the Erlang A invariant).
 */
export function runErlang(spec: ErlangRunSpec, expectedOverride?: Partial<ErlangExpected>) {
  const started = performance.now();
  const warmup = Math.min(20_000, Math.floor(spec.calls / 20));
  const stats = spec.withStatisticsModule ? new RealtimeStatistics() : undefined;
  stats?.configureQueue({ tenantId: 't1', queueId: 'q', thresholdSec: spec.thresholdSec });
  let enqueuedSeen = 0;
  let counting = false;
  const r = runSimulation({
    seed: spec.seed,
    calls: spec.calls,
    warmupCalls: warmup,
    thresholdSec: spec.thresholdSec,
    agents: spec.agents,
    callTypes: [
      {
        name: 'all',
        tenantId: 't1',
        queueId: 'q',
        callsPerHour: spec.lambdaPerHour,
        ahtSec: spec.ahtSec,
        ...(spec.patienceSec !== undefined ? { patienceSec: spec.patienceSec } : {}),
      },
    ],
    setup: singleQueueSetup(spec.agents),
    ...(stats
      ? {
          onEvents: (events: readonly RoutingEvent[]) => {
            // Start feeding the statistics module with the first counted arrival (after the warm-up).
            if (!counting) {
              for (const e of events) if (e.type === 'call.enqueued') enqueuedSeen++;
              if (enqueuedSeen <= warmup) return;
              counting = true;
            }
            stats.apply(events);
          },
        }
      : {}),
  });
  const theory = erlangTheory(spec);
  const expected: ErlangExpected = { ...theory, ...expectedOverride };
  const pp = (measured: number, wanted: number) => round((measured - wanted) * 100, 3);
  const deviation = {
    pWaitPp: pp(r.pWait, expected.pWait),
    abandonedPp: pp(r.abandonRate, expected.abandoned),
    asaPct: expected.asa > 0 ? round(((r.asaSec - expected.asa) / expected.asa) * 100, 2) : null,
    asaSec: round(r.asaSec - expected.asa, 3),
    sl20Pp: pp(r.sl, expected.sl),
    sl20ExcludingShortAbandonsPp: pp(r.slExcludingShortAbandons, expected.slExcludingShortAbandons),
    occupancyPp: pp(r.occupancy, expected.occupancy),
  };
  // A relative ASA tolerance means nothing when the expected ASA is a fraction of a second.
  const asaOk =
    deviation.asaPct === null || Math.abs(deviation.asaPct) <= 5 || Math.abs(deviation.asaSec) <= 0.05;
  const invariantPct =
    spec.patienceSec !== undefined && r.meanWaitAllSec > 0
      ? round(((r.abandonRate * spec.patienceSec - r.meanWaitAllSec) / r.meanWaitAllSec) * 100, 3)
      : null;
  const pass = {
    pWait: Math.abs(deviation.pWaitPp) <= 1,
    abandoned: Math.abs(deviation.abandonedPp) <= 1,
    asa: asaOk,
    sl20: Math.abs(deviation.sl20Pp) <= 1,
    sl20ExcludingShortAbandons: Math.abs(deviation.sl20ExcludingShortAbandonsPp) <= 1,
    ...(invariantPct !== null ? { invariant: Math.abs(invariantPct) <= 2 } : {}),
  };
  const product = stats?.queueStats('q', Number.MAX_SAFE_INTEGER / 2, 'total');
  const orNull = (x: number | null, digits = 4) => (x === null ? null : round(x, digits));
  const wallMs = performance.now() - started;
  return {
    model: theory.model,
    agents: spec.agents,
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    pWait: round(r.pWait),
    abandonRate: round(r.abandonRate),
    sl20: round(r.sl),
    sl20ExcludingShortAbandons: round(r.slExcludingShortAbandons),
    asa: round(r.asaSec, 3),
    meanWaitAllSec: round(r.meanWaitAllSec, 3),
    occupancy: round(r.occupancy),
    ...(invariantPct !== null && spec.patienceSec !== undefined
      ? { abandonedTimesPatienceSec: round(r.abandonRate * spec.patienceSec, 3), invariantPct }
      : {}),
    ...(product
      ? {
          statisticsModule: {
            sl20: orNull(product.sl),
            sl20ExcludingShortAbandons: orNull(product.slExcludingShortAbandons),
            asa: orNull(product.asaSec, 3),
            abandonRate: orNull(product.abandonRate),
            agrees: product.sl !== null && Math.abs(product.sl - r.sl) < 0.002,
          },
        }
      : {}),
    expected: {
      pWait: round(expected.pWait),
      abandoned: round(expected.abandoned),
      sl20: round(expected.sl),
      sl20ExcludingShortAbandons: round(expected.slExcludingShortAbandons),
      asa: round(expected.asa, 3),
      occupancy: round(expected.occupancy),
    },
    deviation,
    pass: { ...pass, all: Object.values(pass).every(Boolean) },
    simulatedHours: round(r.simulatedHours, 1),
    wallMs: Math.round(wallMs),
    engineEventsPerSec: Math.round(r.engineEvents / (wallMs / 1000)),
  };
}
