// Jest setup for every workspace: property tests (fast-check) run from a fixed seed, so a red CI
// means a regression, not a lucky draw. FC_SEED=random explores new cases (run it when changing the
// code under a property test); any other number replays that seed. A found counterexample is kept as
// a replayed regression test beside its property.
let fc;
try {
  fc = require('fast-check');
} catch {
  fc = undefined; // a workspace without property tests
}
if (fc && process.env.FC_SEED !== 'random') {
  fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261123) });
}
