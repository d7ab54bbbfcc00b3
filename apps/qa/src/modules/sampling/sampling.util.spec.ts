import fc from 'fast-check';
import {
  chooseAnalyst,
  DEFAULT_SAMPLING_RULES,
  type SamplingCall,
  type SamplingRules,
  sampleCalls,
  shareTarget,
  stratumKey,
} from './sampling.util';

const WEEK_START = Date.parse('2026-11-16T00:00:00Z'); // a Monday

/** Calls of `agents` agents over `weeks` weeks, `perWeek` each, spread over the week. */
function calls(agents: number, weeks: number, perWeek: (agent: number) => number): SamplingCall[] {
  const out: SamplingCall[] = [];
  for (let a = 0; a < agents; a += 1) {
    for (let w = 0; w < weeks; w += 1) {
      const n = perWeek(a);
      for (let i = 0; i < n; i += 1) {
        out.push({
          callId: `c-${a}-${w}-${i}`,
          agentId: `agent-${a}`,
          endedAt: new Date(WEEK_START + w * 7 * 86_400_000 + Math.floor(((i + 0.5) / n) * 7 * 86_400_000)),
          failedChecks: 0,
          valueTier: null,
          customerId: null,
        });
      }
    }
  }
  return out;
}

const shareOnly: SamplingRules = {
  ...DEFAULT_SAMPLING_RULES,
  autoCheckFailures: false,
  newAgentDays: 0,
  vipMinTier: null,
};
/** Agents known long before the sampled weeks, so the new-agent rule stays out of the way. */
const veterans = (agents: number) =>
  new Map(Array.from({ length: agents }, (_, a) => [`agent-${a}`, new Date('2025-01-01T00:00:00Z')]));

function countByStratum(sample: ReturnType<typeof sampleCalls>, reason = 'agent_share'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sample) {
    if (!s.reasons.includes(reason as never)) continue;
    const key = `${s.agentId}/${s.week}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('sampling', () => {
  it('meets each agent-week share exactly, rounded down or up (stratified, systematic)', () => {
    const all = calls(6, 2, (a) => 40 + a * 37);
    const sample = sampleCalls(
      't1',
      all,
      { ...shareOnly, agentShare: 0.1, minPerAgentWeek: 0 },
      'seed-1',
      'UTC',
      veterans(6),
    );
    const counts = countByStratum(sample);
    for (let a = 0; a < 6; a += 1) {
      const n = 40 + a * 37;
      for (const week of ['2026-W47', '2026-W48']) {
        const got = counts.get(`agent-${a}/${week}`) ?? 0;
        expect([Math.floor(n * 0.1), Math.ceil(n * 0.1)]).toContain(got);
      }
    }
  });

  it('gives every agent at least the weekly minimum, however few calls they took', () => {
    const all = calls(3, 1, (a) => [1, 3, 30][a]!);
    const counts = countByStratum(
      sampleCalls('t1', all, { ...shareOnly, agentShare: 0.05, minPerAgentWeek: 2 }, 's', 'UTC', veterans(3)),
    );
    expect([...counts.entries()].sort()).toEqual([
      ['agent-0/2026-W47', 1],
      ['agent-1/2026-W47', 2],
      ['agent-2/2026-W47', 2],
    ]);
  });

  it('is reproducible: the same seed picks the same calls whatever order they come in; another seed picks others', () => {
    const all = calls(4, 1, () => 50);
    const rules = { ...shareOnly, agentShare: 0.1, minPerAgentWeek: 0 };
    const first = sampleCalls('t1', all, rules, 'seed-a', 'UTC', veterans(4));
    const shuffled = [...all].reverse();
    expect(sampleCalls('t1', shuffled, rules, 'seed-a', 'UTC', veterans(4))).toEqual(first);
    const others = ['seed-b', 'seed-c', 'seed-d'].map((seed) =>
      sampleCalls('t1', all, rules, seed, 'UTC', veterans(4)).map((s) => s.callId),
    );
    expect(others.some((ids) => JSON.stringify(ids) !== JSON.stringify(first.map((s) => s.callId)))).toBe(
      true,
    );
  });

  it('picks every call with an auto-check failure, of a new agent, and of a VIP caller', () => {
    const base = calls(2, 1, () => 20);
    base[3] = { ...base[3]!, failedChecks: 2 };
    base[25] = { ...base[25]!, valueTier: 4 };
    base[26] = { ...base[26]!, customerId: 'cust-vip' };
    const rules: SamplingRules = {
      ...DEFAULT_SAMPLING_RULES,
      agentShare: 0,
      minPerAgentWeek: 0,
      vipCustomerIds: ['cust-vip'],
      newAgentDays: 7,
    };
    // agent-0 started long ago; agent-1's first call is in this week: all of its calls are picked
    const sample = sampleCalls('t1', base, rules, 's', 'UTC', new Map([['agent-0', new Date('2025-01-01')]]));
    const reasons = Object.fromEntries(sample.map((s) => [s.callId, s.reasons]));
    expect(reasons[base[3].callId]).toEqual(['auto_check_failure']);
    expect(sample.filter((s) => s.agentId === 'agent-1')).toHaveLength(20);
    expect(reasons[base[25].callId]).toEqual(['new_agent', 'vip_caller']);
    expect(reasons[base[26].callId]).toEqual(['new_agent', 'vip_caller']);
    expect(sample.filter((s) => s.agentId === 'agent-0')).toHaveLength(1);
  });

  it('counts weeks in the tenant zone (a Sunday-evening call in New York is still last week)', () => {
    const sundayEvening = new Date('2026-11-23T02:00:00Z'); // Sunday 21:00 in New York, Monday in UTC
    expect(stratumKey('a', sundayEvening, 'UTC').week).toBe('2026-W48');
    expect(stratumKey('a', sundayEvening, 'America/New_York').week).toBe('2026-W47');
  });

  describe('properties', () => {
    it('shareTarget never drops and rises by at most one per call', () => {
      fc.assert(
        fc.property(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 0.999999, noNaN: true }),
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 0, max: 500 }),
          (share, offset, minimum, n) => {
            const step = shareTarget(n + 1, share, offset, minimum) - shareTarget(n, share, offset, minimum);
            expect(step === 0 || step === 1).toBe(true);
          },
        ),
      );
    });

    it('for any agents, volumes, share and seed: every stratum gets max(min(N, minimum), share of N rounded either way)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 5 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 5 }),
          fc.string({ minLength: 1, maxLength: 12 }),
          (volumes, share, minimum, seed) => {
            const all = calls(volumes.length, 1, (a) => volumes[a]!);
            const rules = { ...shareOnly, agentShare: share, minPerAgentWeek: minimum };
            const counts = countByStratum(
              sampleCalls('t1', all, rules, seed, 'UTC', veterans(volumes.length)),
            );
            volumes.forEach((n, a) => {
              const got = counts.get(`agent-${a}/2026-W47`) ?? 0;
              const floor = Math.max(Math.min(n, minimum), Math.floor(n * share));
              const ceil = Math.max(Math.min(n, minimum), Math.ceil(n * share));
              expect(got).toBeGreaterThanOrEqual(floor);
              expect(got).toBeLessThanOrEqual(ceil);
            });
            expect(
              sampleCalls('t1', [...all].reverse(), rules, seed, 'UTC', veterans(volumes.length)),
            ).toEqual(sampleCalls('t1', all, rules, seed, 'UTC', veterans(volumes.length)));
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});

describe('chooseAnalyst', () => {
  it('gives the call to the least loaded analyst, never to the agent themselves', () => {
    const analysts = [
      { analystId: 'ann', openItems: 4 },
      { analystId: 'bob', openItems: 1 },
      { analystId: 'agent-7', openItems: 0 },
    ];
    expect(chooseAnalyst(analysts, { callId: 'c1', agentId: 'agent-7' }, 's')).toBe('bob');
    expect(
      chooseAnalyst([{ analystId: 'agent-7', openItems: 0 }], { callId: 'c1', agentId: 'agent-7' }, 's'),
    ).toBeUndefined();
  });

  it('spreads ties reproducibly over the analysts', () => {
    const analysts = ['ann', 'bob', 'cid'].map((analystId) => ({ analystId, openItems: 0 }));
    const picks = Array.from({ length: 300 }, (_, i) =>
      chooseAnalyst(analysts, { callId: `c${i}`, agentId: 'x' }, 's'),
    );
    for (const name of ['ann', 'bob', 'cid'])
      expect(picks.filter((p) => p === name).length).toBeGreaterThan(60);
    expect(
      Array.from({ length: 300 }, (_, i) => chooseAnalyst(analysts, { callId: `c${i}`, agentId: 'x' }, 's')),
    ).toEqual(picks);
  });
});
