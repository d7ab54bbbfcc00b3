/**
 * SCENARIOS.md section 2: Erlang A (exponential patience, mean 120 s). The engine's facts also feed the
 * product's statistics module, whose service-level figures must agree with the simulator's own.
 * npx tsx bench/acd-erlang-a.bench.ts [--calls 1000000] [--seed 7] [--lambda 600] [--aht 180] [--patience 120] [--agents N]
 * Without --agents it runs N = 32, 33, 35, 38 against the table; with it, any parameters against the
 * formula (the same run as `acd-erlang --patience`, see bench/acd-bench.util.ts).
 */
import { type ErlangExpected, log, numberArgs, runErlang } from './acd-bench.util';

const args = numberArgs({
  calls: 1_000_000,
  seed: 7,
  lambda: 600,
  aht: 180,
  patience: 120,
  agents: 0,
  threshold: 20,
});

const TABLE: Record<number, Partial<ErlangExpected>> = {
  32: { pWait: 0.3476, abandoned: 0.051, asa: 5.64, sl: 0.842, slExcludingShortAbandons: 0.874 },
  33: { pWait: 0.2885, abandoned: 0.0397, asa: 4.37, sl: 0.878, slExcludingShortAbandons: 0.905 },
  35: { pWait: 0.187, abandoned: 0.0227, asa: 2.49, sl: 0.932, slExcludingShortAbandons: 0.949 },
  38: { pWait: 0.0834, abandoned: 0.0086, asa: 0.94, sl: 0.976, slExcludingShortAbandons: 0.983 },
};
const tableRun =
  args.agents === 0 &&
  args.lambda === 600 &&
  args.aht === 180 &&
  args.patience === 120 &&
  args.threshold === 20;
const agentCounts = args.agents > 0 ? [args.agents] : [32, 33, 35, 38];

const rows = agentCounts.map((n) => {
  const row = runErlang(
    {
      lambdaPerHour: args.lambda,
      ahtSec: args.aht,
      agents: n,
      patienceSec: args.patience,
      calls: args.calls,
      seed: args.seed + n,
      thresholdSec: args.threshold,
      withStatisticsModule: true,
    },
    tableRun ? TABLE[n] : undefined,
  );
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
    pass: rows.every((r) => r.pass.all && r.statisticsModule?.agrees === true),
  }),
);
