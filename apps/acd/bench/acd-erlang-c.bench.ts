/**
 * SCENARIOS.md section 1: the routing engine, driven by the discrete-event simulator, against Erlang C.
 * npx tsx bench/acd-erlang-c.bench.ts [--calls 2000000] [--seed 1] [--lambda 600] [--aht 180] [--agents N]
 * Without --agents it runs N = 32, 33, 35, 38 and checks the table; with it, any parameters against the
 * formula (the same run as `acd-erlang`, see bench/acd-bench.util.ts).
 */
import { type ErlangExpected, log, numberArgs, runErlang } from './acd-bench.util';

const args = numberArgs({ calls: 2_000_000, seed: 1, lambda: 600, aht: 180, agents: 0, threshold: 20 });
const TABLE: Record<number, Partial<ErlangExpected>> = {
  32: { pWait: 0.6302, asa: 56.7, sl: 0.495, slExcludingShortAbandons: 0.495 },
  33: { pWait: 0.4905, asa: 29.4, sl: 0.649, slExcludingShortAbandons: 0.649 },
  35: { pWait: 0.2846, asa: 10.2, sl: 0.837, slExcludingShortAbandons: 0.837 },
  38: { pWait: 0.1119, asa: 2.52, sl: 0.954, slExcludingShortAbandons: 0.954 },
};
const tableRun = args.agents === 0 && args.lambda === 600 && args.aht === 180 && args.threshold === 20;
const agentCounts = args.agents > 0 ? [args.agents] : [32, 33, 35, 38];

const rows = agentCounts.map((n) => {
  const row = runErlang(
    {
      lambdaPerHour: args.lambda,
      ahtSec: args.aht,
      agents: n,
      calls: args.calls,
      seed: args.seed + n,
      thresholdSec: args.threshold,
    },
    tableRun ? TABLE[n] : undefined,
  );
  log(JSON.stringify(row));
  return row;
});

console.log(
  JSON.stringify({
    bench: 'acd-erlang-c',
    callsPerN: args.calls,
    seed: args.seed,
    lambdaPerHour: args.lambda,
    ahtSec: args.aht,
    targets: 'P(wait) and SL within 1 pp, ASA within 5%',
    rows,
    pass: rows.every((r) => r.pass.all),
  }),
);
