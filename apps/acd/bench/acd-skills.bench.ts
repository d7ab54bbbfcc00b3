/**
 * SCENARIOS.md section 4: six call types x 100/h, AHT 180 s, 36 agents, five skill layouts. Arrivals go to
 * the longest-idle eligible agent; a freed agent takes the oldest waiting call it can serve (the engine's
 * default scoring with equal priorities and tenant weights).
 * npx tsx bench/acd-skills.bench.ts [--calls 1000000] [--seed 11]
 */
import type { RoutingEngine } from '../src/modules/routing/routing.engine';
import { runSimulation, type CallTypeSpec } from '../src/modules/routing/simulation/call-center.simulation';
import { erlangC } from '../src/modules/staffing/erlang.util';
import { log, numberArgs, round } from './acd-bench.util';

const args = numberArgs({ calls: 1_000_000, seed: 11 });
const TYPES = 6;
const AGENTS = 36;

/** Skills (call types) of agent j in each layout. */
const LAYOUTS: Record<string, (j: number) => number[]> = {
  dedicated: (j) => [Math.floor(j / 6)],
  pairs: (j) => {
    const pool = Math.floor(j / 12);
    return [2 * pool, 2 * pool + 1];
  },
  chain2: (j) => {
    const i = Math.floor(j / 6);
    return [i, (i + 1) % TYPES];
  },
  chain3: (j) => {
    const i = Math.floor(j / 6);
    return [i, (i + 1) % TYPES, (i + 2) % TYPES];
  },
  full: () => [0, 1, 2, 3, 4, 5],
};
const TARGET: Record<string, { sl: number; asa: number }> = {
  dedicated: { sl: 0.476, asa: 104 },
  pairs: { sl: 0.646, asa: 39.9 },
  chain2: { sl: 0.784, asa: 14.0 },
  chain3: { sl: 0.861, asa: 8.3 },
  full: { sl: 0.893, asa: 6.2 },
};

/** Pooled layouts are exact M/M/N systems: (agents per pool, calls per hour per pool). */
const EXACT_POOLS: Record<string, [number, number]> = {
  dedicated: [6, 100],
  pairs: [12, 200],
  full: [36, 600],
};

const callTypes: CallTypeSpec[] = Array.from({ length: TYPES }, (_, i) => ({
  name: `type${i}`,
  tenantId: 't1',
  queueId: `q${i}`,
  callsPerHour: 100,
  ahtSec: 180,
}));

const results = Object.entries(LAYOUTS).map(([layout, skillsOf]) => {
  const started = performance.now();
  const setup = (engine: RoutingEngine) => {
    engine.upsertTenant({ tenantId: 't1' });
    for (let i = 0; i < TYPES; i++) {
      engine.upsertQueue({
        tenantId: 't1',
        queueId: `q${i}`,
        requiredSkills: [{ skillId: `s${i}`, minLevel: 1 }],
        ringTimeoutMs: 0,
      });
    }
    for (let j = 0; j < AGENTS; j++) {
      const skills = Object.fromEntries(skillsOf(j).map((i) => [`s${i}`, 5]));
      engine.upsertAgent({ agentId: `a${j}`, profiles: [{ tenantId: 't1', skills }] });
      engine.login(`a${j}`, { ready: true });
    }
  };
  const r = runSimulation({
    seed: args.seed,
    calls: args.calls,
    warmupCalls: Math.min(20_000, Math.floor(args.calls / 20)),
    thresholdSec: 20,
    agents: AGENTS,
    callTypes,
    setup,
  });
  const target = TARGET[layout] as { sl: number; asa: number };
  const pool = EXACT_POOLS[layout];
  const exact = pool
    ? erlangC({ lambda: pool[1] / 3600, ahtSec: 180, agents: pool[0], thresholdSec: 20 })
    : undefined;
  const row = {
    layout,
    offered: r.offered,
    sl20: round(r.sl),
    asa: round(r.asaSec, 2),
    pWait: round(r.pWait),
    occupancy: round(r.occupancy),
    expected: target,
    ...(exact
      ? {
          exactErlangC: { sl20: round(exact.serviceLevel), asa: round(exact.asaSec, 2) },
          deviationFromExact: {
            sl20Pp: round((r.sl - exact.serviceLevel) * 100, 2),
            asaPct: round(((r.asaSec - exact.asaSec) / exact.asaSec) * 100, 1),
          },
        }
      : {}),
    deviation: {
      sl20Pp: round((r.sl - target.sl) * 100, 2),
      asaPct: round(((r.asaSec - target.asa) / target.asa) * 100, 1),
    },
    wallMs: Math.round(performance.now() - started),
  };
  log(JSON.stringify(row));
  return row;
});

const sl = (layout: string) => results.find((r) => r.layout === layout)?.sl20 ?? NaN;
const within1pp = (layout: string) => Math.abs(sl(layout) - (TARGET[layout]?.sl ?? NaN)) <= 0.01;
const order = ['dedicated', 'pairs', 'chain2', 'chain3', 'full'];
const orderHolds = order.every((l, i) => i === 0 || sl(order[i - 1] as string) < sl(l));
const chain2GapClosed = (sl('chain2') - sl('dedicated')) / (sl('full') - sl('dedicated'));
const pass = {
  dedicatedWithin1pp: within1pp('dedicated'),
  pairsWithin1pp: within1pp('pairs'),
  fullWithin1pp: within1pp('full'),
  orderHolds,
  chain2ClosesAtLeast70PctOfGap: chain2GapClosed >= 0.7,
};
console.log(
  JSON.stringify({
    bench: 'acd-skills',
    callsPerLayout: args.calls,
    seed: args.seed,
    layouts: results,
    chain2GapClosed: round(chain2GapClosed, 3),
    pass: { ...pass, all: Object.values(pass).every(Boolean) },
  }),
);
