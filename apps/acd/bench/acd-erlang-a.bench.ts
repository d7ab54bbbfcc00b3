/**
 * SCENARIOS.md section 2: Erlang A (exponential patience, mean 120 s). The engine's facts also feed the
 * product's statistics module, whose service-level figures must agree with the simulator's own.
 * npx tsx bench/acd-erlang-a.bench.ts [--calls 1000000] [--seed 7] [--lambda 600] [--aht 180] [--patience 120] [--agents N]
 * Without --agents it runs N = 32, 33, 35, 38 against the table; with it, any parameters against the formula.
 */
import { runSimulation } from '../src/modules/routing/simulation/call-center.simulation';
import { erlangA } from '../src/modules/staffing/erlang.util';
import { RealtimeStatistics } from '../src/modules/statistics/realtime-statistics';
import { log, numberArgs, round, singleQueueSetup } from './acd-bench.util';

const args = numberArgs({
  calls: 1_000_000,
  seed: 7,
  lambda: 600,
  aht: 180,
  patience: 120,
  agents: 0,
  threshold: 20,
});

interface Expected {
  pWait: number;
  abandoned: number;
  asa: number;
  sl: number;
  slEarly: number;
}

const TABLE: Record<number, Expected> = {
  32: { pWait: 0.3476, abandoned: 0.051, asa: 5.64, sl: 0.842, slEarly: 0.874 },
  33: { pWait: 0.2885, abandoned: 0.0397, asa: 4.37, sl: 0.878, slEarly: 0.905 },
  35: { pWait: 0.187, abandoned: 0.0227, asa: 2.49, sl: 0.932, slEarly: 0.949 },
  38: { pWait: 0.0834, abandoned: 0.0086, asa: 0.94, sl: 0.976, slEarly: 0.983 },
};
const tableRun =
  args.agents === 0 &&
  args.lambda === 600 &&
  args.aht === 180 &&
  args.patience === 120 &&
  args.threshold === 20;
const agentCounts = args.agents > 0 ? [args.agents] : [32, 33, 35, 38];
const orNull = (x: number | null, digits = 4) => (x === null ? null : round(x, digits));

const rows = agentCounts.map((n) => {
  const started = performance.now();
  const stats = new RealtimeStatistics();
  stats.configureQueue({ tenantId: 't1', queueId: 'q', thresholdSec: args.threshold });
  const warmup = Math.min(20_000, Math.floor(args.calls / 20));
  let enqueuedSeen = 0;
  let counting = false;
  const r = runSimulation({
    seed: args.seed + n,
    calls: args.calls,
    warmupCalls: warmup,
    thresholdSec: args.threshold,
    agents: n,
    callTypes: [
      {
        name: 'all',
        tenantId: 't1',
        queueId: 'q',
        callsPerHour: args.lambda,
        ahtSec: args.aht,
        patienceSec: args.patience,
      },
    ],
    setup: singleQueueSetup(n),
    onEvents: (events) => {
      // Start feeding the statistics module with the first counted arrival (after the warm-up).
      if (!counting) {
        for (const e of events) if (e.type === 'call.enqueued') enqueuedSeen++;
        if (enqueuedSeen <= warmup) return;
        counting = true;
      }
      stats.apply(events);
    },
  });
  const theory = erlangA({
    lambda: args.lambda / 3600,
    ahtSec: args.aht,
    agents: n,
    thresholdSec: args.threshold,
    patienceSec: args.patience,
  });
  const expected: Expected = (tableRun ? TABLE[n] : undefined) ?? {
    pWait: theory.pWait,
    abandoned: theory.abandonRate,
    asa: theory.asaServedSec,
    sl: theory.serviceLevel,
    slEarly: theory.serviceLevelExcludingEarlyAbandons,
  };
  const product = stats.queueStats('q', Number.MAX_SAFE_INTEGER / 2, 'total');
  const invariantLhs = r.abandonRate * args.patience;
  const invariantDevPct = ((invariantLhs - r.meanWaitAllSec) / r.meanWaitAllSec) * 100;
  const deviation = {
    pWaitPp: round((r.pWait - expected.pWait) * 100, 3),
    abandonedPp: round((r.abandonRate - expected.abandoned) * 100, 3),
    asaPct: round(((r.asaSec - expected.asa) / expected.asa) * 100, 2),
    sl20Pp: round((r.sl - expected.sl) * 100, 3),
    sl20ExcludingShortAbandonsPp: round((r.slExcludingShortAbandons - expected.slEarly) * 100, 3),
    invariantPct: round(invariantDevPct, 3),
  };
  const row = {
    agents: n,
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    pWait: round(r.pWait),
    abandonRate: round(r.abandonRate),
    sl20: round(r.sl),
    sl20ExcludingShortAbandons: round(r.slExcludingShortAbandons),
    asa: round(r.asaSec, 3),
    meanWaitAllSec: round(r.meanWaitAllSec, 3),
    abandonedTimesPatienceSec: round(invariantLhs, 3),
    occupancy: round(r.occupancy),
    statisticsModule: {
      sl20: orNull(product.sl),
      sl20ExcludingShortAbandons: orNull(product.slExcludingShortAbandons),
      asa: orNull(product.asaSec, 3),
      abandonRate: orNull(product.abandonRate),
    },
    expected: { ...expected, occupancy: round(theory.occupancy) },
    deviation,
    pass: {
      pWait: Math.abs(deviation.pWaitPp) <= 1,
      abandoned: Math.abs(deviation.abandonedPp) <= 1,
      asa: Math.abs(deviation.asaPct) <= 5,
      sl20: Math.abs(deviation.sl20Pp) <= 1,
      sl20ExcludingShortAbandons: Math.abs(deviation.sl20ExcludingShortAbandonsPp) <= 1,
      invariant: Math.abs(invariantDevPct) <= 2,
      statisticsModuleAgrees: product.sl !== null && Math.abs(product.sl - r.sl) < 0.002,
    },
    wallMs: Math.round(performance.now() - started),
  };
  log(JSON.stringify(row));
  return row;
});

console.log(
  JSON.stringify({
    bench: 'acd-erlang-a',
    callsPerN: args.calls,
    seed: args.seed,
    patienceSec: args.patience,
    targets:
      'P(wait), abandoned, SL (both definitions) within 1 pp, ASA of served within 5%, abandoned x patience = mean wait within 2%',
    rows,
    pass: rows.every((r) => Object.values(r.pass).every(Boolean)),
  }),
);
