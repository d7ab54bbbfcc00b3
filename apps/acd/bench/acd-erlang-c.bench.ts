/**
 * SCENARIOS.md section 1: the routing engine, driven by the discrete-event simulator, against Erlang C.
 * npx tsx bench/acd-erlang-c.bench.ts [--calls 2000000] [--seed 1] [--lambda 600] [--aht 180] [--agents N]
 * Without --agents it runs N = 32, 33, 35, 38 and checks the table; with it, any parameters against the formula.
 */
import { runSimulation } from '../src/modules/routing/simulation/call-center.simulation';
import { erlangC } from '../src/modules/staffing/erlang.util';
import { log, numberArgs, round, singleQueueSetup } from './acd-bench.util';

const args = numberArgs({ calls: 2_000_000, seed: 1, lambda: 600, aht: 180, agents: 0, threshold: 20 });
const TABLE: Record<number, { pWait: number; asa: number; sl: number }> = {
  32: { pWait: 0.6302, asa: 56.7, sl: 0.495 },
  33: { pWait: 0.4905, asa: 29.4, sl: 0.649 },
  35: { pWait: 0.2846, asa: 10.2, sl: 0.837 },
  38: { pWait: 0.1119, asa: 2.52, sl: 0.954 },
};
const tableRun = args.agents === 0 && args.lambda === 600 && args.aht === 180 && args.threshold === 20;
const agentCounts = args.agents > 0 ? [args.agents] : [32, 33, 35, 38];

const rows = agentCounts.map((n) => {
  const started = performance.now();
  const r = runSimulation({
    seed: args.seed + n,
    calls: args.calls,
    warmupCalls: Math.min(20_000, Math.floor(args.calls / 20)),
    thresholdSec: args.threshold,
    agents: n,
    callTypes: [{ name: 'all', tenantId: 't1', queueId: 'q', callsPerHour: args.lambda, ahtSec: args.aht }],
    setup: singleQueueSetup(n),
  });
  const theory = erlangC({
    lambda: args.lambda / 3600,
    ahtSec: args.aht,
    agents: n,
    thresholdSec: args.threshold,
  });
  const expected = tableRun
    ? (TABLE[n] ?? theory)
    : { pWait: theory.pWait, asa: theory.asaSec, sl: theory.serviceLevel };
  const expectedAsa = 'asa' in expected ? expected.asa : theory.asaSec;
  const dPWaitPp = (r.pWait - expected.pWait) * 100;
  const dSlPp = (r.sl - ('sl' in expected ? expected.sl : theory.serviceLevel)) * 100;
  const dAsaPct = ((r.asaSec - expectedAsa) / expectedAsa) * 100;
  const row = {
    agents: n,
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    pWait: round(r.pWait),
    sl20: round(r.sl),
    sl20ExcludingShortAbandons: round(r.slExcludingShortAbandons),
    asa: round(r.asaSec, 3),
    occupancy: round(r.occupancy),
    expected: {
      pWait: round(expected.pWait),
      sl20: round('sl' in expected ? expected.sl : theory.serviceLevel),
      asa: round(expectedAsa, 3),
      occupancy: round(theory.occupancy),
    },
    deviation: { pWaitPp: round(dPWaitPp, 3), sl20Pp: round(dSlPp, 3), asaPct: round(dAsaPct, 2) },
    pass: { pWait: Math.abs(dPWaitPp) <= 1, sl20: Math.abs(dSlPp) <= 1, asa: Math.abs(dAsaPct) <= 5 },
    simulatedHours: round(r.simulatedHours, 1),
    wallMs: Math.round(performance.now() - started),
    engineEventsPerSec: Math.round(r.engineEvents / ((performance.now() - started) / 1000)),
  };
  log(JSON.stringify(row));
  return row;
});

const pass = rows.every((r) => r.pass.pWait && r.pass.sl20 && r.pass.asa);
console.log(
  JSON.stringify({
    bench: 'acd-erlang-c',
    callsPerN: args.calls,
    seed: args.seed,
    lambdaPerHour: args.lambda,
    ahtSec: args.aht,
    targets: 'P(wait) and SL within 1 pp, ASA within 5%',
    rows,
    pass,
  }),
);
