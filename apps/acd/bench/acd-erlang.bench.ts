/**
 * Issue 5's `acd-erlang`: the routing engine driven by the discrete-event simulation (virtual clock)
 * for ANY parameters, against Erlang C (no --patience) or Erlang A (--patience = mean patience, s).
 * npx tsx bench/acd-erlang.bench.ts --lambda <calls/h> --aht <s> --agents <n> [--patience <s>]
 *   [--calls <n>] [--seed <n>] [--threshold <s>]
 * Prints offered answered abandoned pWait sl20 sl20ExcludingShortAbandons asa occupancy (fractions 0-1,
 * seconds; `asa` = mean wait of answered calls), the theory's values and the deviations. The tables of
 * SCENARIOS.md sections 1-2 run as acd-erlang-c / acd-erlang-a (same code, bench/acd-bench.util.ts).
 */
import { log, numberArgs, runErlang } from './acd-bench.util';

const args = numberArgs({
  lambda: 600,
  aht: 180,
  agents: 35,
  // NaN = not given: nobody hangs up (Erlang C).
  patience: NaN,
  calls: 2_000_000,
  seed: 1,
  threshold: 20,
});
if (args.lambda <= 0 || args.aht <= 0 || args.agents < 1 || args.calls < 1)
  throw new Error('--lambda, --aht, --agents and --calls must be positive');
if ((args.lambda / 3600) * args.aht >= args.agents && Number.isNaN(args.patience))
  log(
    'warning: offered load >= agents without abandonment: the queue grows without bound (Erlang C undefined)',
  );

const row = runErlang({
  lambdaPerHour: args.lambda,
  ahtSec: args.aht,
  agents: args.agents,
  ...(Number.isNaN(args.patience) ? {} : { patienceSec: args.patience }),
  calls: args.calls,
  seed: args.seed,
  thresholdSec: args.threshold,
});
console.log(
  JSON.stringify({
    bench: 'acd-erlang',
    lambdaPerHour: args.lambda,
    ahtSec: args.aht,
    patienceSec: Number.isNaN(args.patience) ? null : args.patience,
    thresholdSec: args.threshold,
    calls: args.calls,
    seed: args.seed,
    targets:
      'P(wait), abandoned, SL (both definitions) within 1 pp; ASA within 5% (or 0.05 s); Erlang A: abandoned x patience = mean wait within 2%',
    ...row,
    pass: row.pass.all,
    passDetail: row.pass,
  }),
);
