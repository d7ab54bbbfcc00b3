import { erlangA, erlangC } from '@cc/acd/dist/modules/staffing/erlang.util';
import { kpisOf } from './kpi';
import { Random } from './random';
import { runReferenceQueue, type ReferenceCaller } from './reference-queue';

function callers(n: number, lambdaPerS: number, aht: number, patience?: number): ReferenceCaller[] {
  const random = new Random(99);
  let t = 0;
  return Array.from({ length: n }, () => {
    t += random.exponential(1 / lambdaPerS);
    return {
      arrivalS: t,
      talkS: random.exponential(aht),
      ...(patience ? { patienceS: random.exponential(patience) } : {}),
    };
  });
}

const asResults = (out: ReturnType<typeof runReferenceQueue>) =>
  out.map((r) => ({
    tenantId: 't',
    queueId: 'q',
    fate: r.answered ? ('answered' as const) : ('abandoned' as const),
    waitS: r.waitS,
    arrivedAtMs: 0,
  }));

describe('runReferenceQueue (the ideal FCFS queue of the end-to-end benchmark)', () => {
  it('serves in arrival order and lets an impatient caller go without taking an agent', () => {
    const out = runReferenceQueue(1, [
      { arrivalS: 0, talkS: 10 },
      { arrivalS: 1, talkS: 5, patienceS: 3 }, // would wait 9 s: leaves at 3 s
      { arrivalS: 2, talkS: 5 }, // takes the agent at 10 s
    ]);
    expect(out).toEqual([
      { answered: true, waitS: 0 },
      { answered: false, waitS: 3 },
      { answered: true, waitS: 8 },
    ]);
  });

  it('reproduces Erlang C (SCENARIOS 1, N = 35) over 400,000 callers', () => {
    const k = kpisOf(asResults(runReferenceQueue(35, callers(400_000, 1 / 6, 180))), 20, 0);
    const c = erlangC({ lambda: 1 / 6, ahtSec: 180, agents: 35, thresholdSec: 20 });
    expect(Math.abs(k.pWait - c.pWait)).toBeLessThan(0.01);
    expect(Math.abs(k.sl20 - c.serviceLevel)).toBeLessThan(0.01);
  });

  it('reproduces Erlang A (SCENARIOS 2, N = 32, patience 120 s) over 400,000 callers', () => {
    const k = kpisOf(asResults(runReferenceQueue(32, callers(400_000, 1 / 6, 180, 120))), 20, 0);
    const a = erlangA({ lambda: 1 / 6, ahtSec: 180, agents: 32, thresholdSec: 20, patienceSec: 120 });
    expect(Math.abs(k.abandonRate - a.abandonRate)).toBeLessThan(0.005);
    expect(Math.abs(k.sl20 - a.serviceLevel)).toBeLessThan(0.01);
  });
});
