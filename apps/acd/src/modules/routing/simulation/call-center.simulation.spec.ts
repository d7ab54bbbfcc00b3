import { erlangA, erlangC } from '../../staffing/erlang.util';
import type { RoutingEngine } from '../routing.engine';
import { runSimulation } from './call-center.simulation';

// Short runs with wide tolerances: the benchmarks (bench/acd-erlang-*.bench.ts) do the 1-pp checks.
const setup = (agents: number) => (engine: RoutingEngine) => {
  engine.upsertTenant({ tenantId: 't1' });
  engine.upsertQueue({ tenantId: 't1', queueId: 'q', ringTimeoutMs: 0 });
  for (let i = 0; i < agents; i++) {
    engine.upsertAgent({ agentId: `a${i}`, profiles: [{ tenantId: 't1' }] });
    engine.login(`a${i}`, { ready: true });
  }
};

const spec = (agents: number, patienceSec?: number) => ({
  seed: 3,
  calls: 40_000,
  warmupCalls: 2_000,
  thresholdSec: 20,
  agents,
  callTypes: [
    {
      name: 'x',
      tenantId: 't1',
      queueId: 'q',
      callsPerHour: 600,
      ahtSec: 180,
      ...(patienceSec ? { patienceSec } : {}),
    },
  ],
  setup: setup(agents),
});

describe('call-center simulation driving the routing engine', () => {
  it('lands near Erlang C and is reproducible from its seed', () => {
    const r = runSimulation(spec(35));
    const theory = erlangC({ lambda: 600 / 3600, ahtSec: 180, agents: 35, thresholdSec: 20 });
    expect(r.offered).toBe(40_000);
    expect(r.answered).toBe(40_000);
    expect(Math.abs(r.pWait - theory.pWait)).toBeLessThan(0.04);
    expect(Math.abs(r.sl - theory.serviceLevel)).toBeLessThan(0.04);
    expect(Math.abs(r.occupancy - theory.occupancy)).toBeLessThan(0.02);
    expect(runSimulation(spec(35)).asaSec).toBe(r.asaSec);
  });

  it('lands near Erlang A with patience', () => {
    const r = runSimulation(spec(33, 120));
    const theory = erlangA({
      lambda: 600 / 3600,
      ahtSec: 180,
      agents: 33,
      thresholdSec: 20,
      patienceSec: 120,
    });
    expect(r.answered + r.abandoned).toBe(40_000);
    expect(Math.abs(r.abandonRate - theory.abandonRate)).toBeLessThan(0.01);
    expect(Math.abs(r.sl - theory.serviceLevel)).toBeLessThan(0.03);
    expect(Math.abs(r.abandonRate * 120 - r.meanWaitAllSec) / r.meanWaitAllSec).toBeLessThan(0.1);
  });
});
