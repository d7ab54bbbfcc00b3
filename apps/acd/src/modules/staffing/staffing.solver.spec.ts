import { agentsForAbandonRate, agentsForServiceLevel, staffingAt } from './staffing.solver';

// SCENARIOS.md section 3: lambda = 6000/h, AHT 240 s (A = 400), 80/20.
const q = { callsPerHour: 6000, ahtSec: 240, thresholdSec: 20 };

describe('staffing solver (SCENARIOS.md section 3)', () => {
  it('Erlang C: 411 agents for 80/20 (81.05%), 410 give 77.8%', () => {
    const r = agentsForServiceLevel(q, 0.8);
    expect(r.agents).toBe(411);
    expect(r.metrics.serviceLevel).toBeCloseTo(0.8105, 4);
    expect(staffingAt(q, 410).metrics.serviceLevel).toBeCloseTo(0.778, 3);
  });

  it('Erlang A (patience 120 s): SL >= 80% at 368 agents with 8.3% abandonment', () => {
    const r = agentsForServiceLevel({ ...q, patienceSec: 120 }, 0.8);
    expect(r.agents).toBe(368);
    expect(r.model === 'erlang_a' && r.metrics.abandonRate).toBeCloseTo(0.083, 3);
  });

  it('Erlang A: abandonment <= 3% needs 396, <= 2% needs 403', () => {
    expect(agentsForAbandonRate({ ...q, patienceSec: 120 }, 0.03).agents).toBe(396);
    expect(agentsForAbandonRate({ ...q, patienceSec: 120 }, 0.02).agents).toBe(403);
  });

  it('rejects an abandonment target without patience and nonsense input', () => {
    expect(() => agentsForAbandonRate(q, 0.03)).toThrow(RangeError);
    expect(() => agentsForServiceLevel(q, 1.2)).toThrow(RangeError);
    expect(() => agentsForServiceLevel({ ...q, ahtSec: 0 }, 0.8)).toThrow(RangeError);
  });

  it('solves thousands of agents', () => {
    const r = agentsForServiceLevel({ callsPerHour: 72_000, ahtSec: 180, thresholdSec: 20 }, 0.9);
    expect(r.agents).toBeGreaterThan(3600);
    expect(
      staffingAt({ callsPerHour: 72_000, ahtSec: 180, thresholdSec: 20 }, r.agents - 1).metrics.serviceLevel,
    ).toBeLessThan(0.9);
  });
});
