import { erlangA, erlangB, erlangC, erlangCSweep } from './erlang.util';

// Scenario 1 and 2 of shared/bench/SCENARIOS.md: lambda = 600/h, AHT 180 s, A = 30, threshold 20 s.
const lambda = 600 / 3600;
const base = { lambda, ahtSec: 180, thresholdSec: 20 };

describe('erlangC (SCENARIOS.md section 1)', () => {
  it.each([
    [32, 0.938, 0.6302, 56.7, 0.495],
    [33, 0.909, 0.4905, 29.4, 0.649],
    [35, 0.857, 0.2846, 10.2, 0.837],
    [38, 0.789, 0.1119, 2.52, 0.954],
  ])('N=%i: occupancy %f, P(wait) %f, ASA %f, SL %f', (agents, occupancy, pWait, asa, sl) => {
    const r = erlangC({ ...base, agents });
    expect(r.occupancy).toBeCloseTo(occupancy, 3);
    expect(r.pWait).toBeCloseTo(pWait, 4);
    expect(Math.abs(r.asaSec - asa) / asa).toBeLessThan(0.005);
    expect(r.serviceLevel).toBeCloseTo(sl, 3);
  });

  it('is 1 / unstable when agents do not exceed the load', () => {
    expect(erlangC({ ...base, agents: 30 }).pWait).toBe(1);
    expect(erlangC({ ...base, agents: 30 }).asaSec).toBe(Infinity);
  });

  it('stays finite and in [0,1] for thousands of agents', () => {
    const r = erlangC({ lambda: 20, ahtSec: 180, agents: 3650, thresholdSec: 20 });
    expect(r.pWait).toBeGreaterThan(0);
    expect(r.pWait).toBeLessThan(1);
    expect(Number.isFinite(r.asaSec)).toBe(true);
    expect(erlangB(5000, 4900)).toBeGreaterThan(0);
  });

  it('sweep agrees with single evaluations', () => {
    const sweep = erlangCSweep(base, 31, 40);
    expect(sweep).toHaveLength(10);
    for (const r of sweep) expect(r.pWait).toBeCloseTo(erlangC({ ...base, agents: r.agents }).pWait, 12);
  });
});

describe('erlangA (SCENARIOS.md section 2, patience 120 s)', () => {
  it.each([
    [32, 0.3476, 0.051, 5.64, 0.842, 0.874],
    [33, 0.2885, 0.0397, 4.37, 0.878, 0.905],
    [35, 0.187, 0.0227, 2.49, 0.932, 0.949],
    [38, 0.0834, 0.0086, 0.94, 0.976, 0.983],
  ])('N=%i: P(wait) %f, abandoned %f, ASA %f, SL %f / %f', (agents, pWait, abandoned, asa, sl, slEarly) => {
    const r = erlangA({ ...base, agents, patienceSec: 120 });
    expect(r.pWait).toBeCloseTo(pWait, 4);
    expect(r.abandonRate).toBeCloseTo(abandoned, 4);
    expect(r.asaServedSec).toBeCloseTo(asa, 2);
    expect(r.serviceLevel).toBeCloseTo(sl, 3);
    expect(r.serviceLevelExcludingEarlyAbandons).toBeCloseTo(slEarly, 3);
  });

  it('satisfies abandoned fraction x mean patience = mean wait of all callers', () => {
    const r = erlangA({ ...base, agents: 33, patienceSec: 120 });
    expect(r.abandonRate * 120).toBeCloseTo(r.meanWaitAllSec, 10);
  });

  it('approaches Erlang C as patience grows', () => {
    const a = erlangA({ ...base, agents: 35, patienceSec: 1e7 });
    const c = erlangC({ ...base, agents: 35 });
    expect(a.pWait).toBeCloseTo(c.pWait, 3);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 3);
  });

  it('handles overload (fewer agents than the load) and thousands of agents', () => {
    const over = erlangA({ ...base, agents: 20, patienceSec: 120 });
    expect(over.abandonRate).toBeGreaterThan(0.2);
    expect(over.occupancy).toBeLessThanOrEqual(1);
    const big = erlangA({ lambda: 20, ahtSec: 180, agents: 3650, thresholdSec: 20, patienceSec: 120 });
    expect(big.serviceLevel).toBeGreaterThan(0.99);
    expect(big.abandonRate * 120).toBeCloseTo(big.meanWaitAllSec, 8);
  });
});
