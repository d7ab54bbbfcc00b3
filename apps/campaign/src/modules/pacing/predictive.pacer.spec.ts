import type { WindowCounts } from '../ledger/abandonment-ledger';
import { abandonmentGuard } from './abandonment-guard';
import { PacingStatistics } from './pacing-statistics';
import type { AgentView } from './pacing.types';
import { PredictivePacer } from './predictive.pacer';
import { PreviewPacer, ProgressivePacer } from './progressive.pacer';
import { SECTION_5, simulateDialing } from './simulation/outbound-dialing.simulation';

const counts = (liveAnswers: number, abandoned: number, window = '30d'): WindowCounts => ({
  window,
  dials: liveAnswers * 3,
  liveAnswers,
  abandoned,
  rate: liveAnswers ? abandoned / liveAnswers : 0,
});

const available = (n: number): AgentView[] =>
  Array.from({ length: n }, () => ({ state: 'available' as const }));

describe('abandonmentGuard', () => {
  it('allows no risk before the ledger has room for one abandonment', () => {
    expect(abandonmentGuard([counts(0, 0)], 0).riskScale).toBe(0);
    expect(abandonmentGuard([counts(40, 0)], 0).riskScale).toBe(0);
  });

  it('slows down near the limit and frees the pacer with room to spare', () => {
    const near = abandonmentGuard([counts(1000, 26)], 0);
    expect(near.riskScale).toBeGreaterThan(0);
    expect(near.riskScale).toBeLessThan(1);
    expect(abandonmentGuard([counts(1000, 10)], 0).riskScale).toBe(1);
  });

  it('is held by the tightest window and by the abandonments in flight', () => {
    const verdict = abandonmentGuard([counts(10_000, 100), counts(500, 15, '24h')], 0);
    expect(verdict).toMatchObject({ riskScale: 0, tightestWindow: '24h' });
    expect(abandonmentGuard([counts(1000, 10)], 18).riskScale).toBe(0);
  });
});

describe('PredictivePacer', () => {
  const stats = new PacingStatistics();
  const model = (): ReturnType<PacingStatistics['model']> => stats.model();

  it('dials like progressive while guarded: one dial per available agent not already covered', () => {
    const pacer = new PredictivePacer(model, () => [counts(0, 0)]);
    const decision = pacer.decide({ agents: available(5), dialingElapsedSec: [3, 4], waitingLiveAnswers: 0 });
    expect(decision).toMatchObject({ dials: 3, riskBudget: 0 });
  });

  it('with room in the ledger dials more lines than available agents, fewer when agents are busy', () => {
    const pacer = new PredictivePacer(model, () => [counts(10_000, 0)]);
    const idle = pacer.decide({ agents: available(10), dialingElapsedSec: [], waitingLiveAnswers: 0 });
    expect(idle.dials).toBeGreaterThan(10);
    const busy: AgentView[] = Array.from({ length: 10 }, () => ({
      state: 'on_call' as const,
      elapsedSec: 5,
    }));
    const whileTalking = pacer.decide({ agents: busy, dialingElapsedSec: [], waitingLiveAnswers: 0 });
    expect(whileTalking.dials).toBeLessThan(idle.dials);
    // Agents finishing wrap-up in a second are (almost) as good as available ones.
    const wrapping: AgentView[] = Array.from({ length: 10 }, () => ({
      state: 'wrap_up' as const,
      elapsedSec: 14,
    }));
    expect(
      pacer.decide({ agents: wrapping, dialingElapsedSec: [], waitingLiveAnswers: 0 }).dials,
    ).toBeGreaterThan(whileTalking.dials);
  });

  it('dials nothing without ready agents and less with answers waiting', () => {
    const pacer = new PredictivePacer(model, () => [counts(10_000, 0)]);
    expect(pacer.dialsToPlace({ agents: [], dialingElapsedSec: [], waitingLiveAnswers: 0 })).toBe(0);
    const free = pacer.dialsToPlace({ agents: available(4), dialingElapsedSec: [], waitingLiveAnswers: 0 });
    expect(
      pacer.dialsToPlace({ agents: available(4), dialingElapsedSec: [], waitingLiveAnswers: 3 }),
    ).toBeLessThan(free);
  });

  it('lowers its risk budget after abandonments and raises it after connects', () => {
    const pacer = new PredictivePacer(model, () => [counts(10_000, 0)]);
    pacer.decide({ agents: available(1), dialingElapsedSec: [], waitingLiveAnswers: 0 });
    const start = pacer.risk;
    pacer.onLiveAnswer(true);
    expect(pacer.risk).toBeLessThan(start);
    const afterAbandon = pacer.risk;
    for (let i = 0; i < 50; i++) pacer.onLiveAnswer(false);
    expect(pacer.risk).toBeGreaterThan(afterAbandon);
  });
});

describe('progressive and preview pacers', () => {
  it('give one dial (or record) per available agent', () => {
    const agents: AgentView[] = [...available(3), { state: 'reserved' }, { state: 'on_call', elapsedSec: 1 }];
    expect(
      new ProgressivePacer().dialsToPlace({ agents, dialingElapsedSec: [], waitingLiveAnswers: 0 }),
    ).toBe(3);
    expect(new PreviewPacer().dialsToPlace({ agents, dialingElapsedSec: [], waitingLiveAnswers: 0 })).toBe(3);
  });
});

describe('simulateDialing (short runs; the figures are the benchmark)', () => {
  it('progressive never abandons and lands near the analytic 64.8% occupancy', () => {
    const r = simulateDialing({ ...SECTION_5, mode: 'progressive', hours: 10, seed: 3 });
    expect(r.abandoned).toBe(0);
    expect(r.occupancy).toBeGreaterThan(0.62);
    expect(r.occupancy).toBeLessThan(0.675);
  });

  it.each([1, 2, 3])(
    'predictive keeps the cumulative rate <= 3%% at every minute, also when the answer rate jumps (seed %i)',
    (seed) => {
      const r = simulateDialing({
        ...SECTION_5,
        mode: 'predictive',
        hours: 3,
        seed,
        answerRateStep: { answerRate: 0.5, atHour: 1.5 },
      });
      expect(r.maxCumulativeAbandonRate).toBeLessThanOrEqual(0.03);
      expect(r.occupancy).toBeGreaterThan(0.7);
    },
  );
});
