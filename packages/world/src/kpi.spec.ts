import { classifyCall, doubleBookedAgents, kpisOf, type SimOutcome } from './kpi';
import { histogramQuantile } from './prometheus';
import { buildReport } from './report';
import { erlangWorld } from './scenario';
import { renderWallboard } from './wallboard';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 8, 0, 0) + s * 1000).toISOString();
function outcome(o: Partial<SimOutcome> & Pick<SimOutcome, 'channelId'>): SimOutcome {
  return {
    name: `PJSIP/sipp-${o.channelId}`,
    direction: 'inbound',
    endpoint: 'PJSIP/sipp',
    from: '+12125550100',
    to: '+15559000000',
    createdAt: at(0),
    answeredAt: at(0),
    endedAt: null,
    hungUpBy: null,
    connectedAt: null,
    connectedTo: null,
    ...o,
  };
}

describe('call outcomes -> KPIs', () => {
  const plan = { tenantId: 'e2e', queueId: 'q1', menuKeyAfterS: 0 };

  it('classifies answered, abandoned, failed and waiting callers, measuring from queue entry', () => {
    expect(
      classifyCall(
        plan,
        outcome({ channelId: '1', connectedAt: at(12), endedAt: at(100), hungUpBy: 'remote' }),
      ),
    ).toMatchObject({ fate: 'answered', waitS: 12 });
    expect(
      classifyCall(plan, outcome({ channelId: '2', endedAt: at(30), hungUpBy: 'remote' })),
    ).toMatchObject({ fate: 'abandoned', waitS: 30 });
    expect(classifyCall(plan, outcome({ channelId: '3', endedAt: at(2), hungUpBy: 'app' }))).toMatchObject({
      fate: 'failed',
    });
    expect(classifyCall(plan, outcome({ channelId: '4' }))).toMatchObject({ fate: 'waiting' });
    // With an IVR menu the queue starts at the key press after the answer.
    expect(
      classifyCall(
        { ...plan, menuKeyAfterS: 3 },
        outcome({ channelId: '5', answeredAt: at(1), connectedAt: at(10) }),
      ),
    ).toMatchObject({ fate: 'answered', waitS: 6 });
  });

  it('computes SL (abandons count as misses), ASA, P(wait) and abandonment', () => {
    const r = (fate: 'answered' | 'abandoned', waitS: number) => ({
      tenantId: 't',
      queueId: 'q',
      fate,
      waitS,
      arrivedAtMs: 0,
    });
    const k = kpisOf(
      [r('answered', 0), r('answered', 10), r('answered', 40), r('abandoned', 5), r('abandoned', 60)],
      20,
      1,
    );
    expect(k).toMatchObject({
      offered: 5,
      answered: 3,
      abandoned: 2,
      sl20: 0.4,
      sl20ExcludingShortAbandons: 0.5,
      asa: 16.667,
      pWait: 0.8,
      abandonRate: 0.4,
    });
  });

  it('finds an agent talking to two callers at once', () => {
    const agent = (id: string, from: number, to: number | null, endpoint = 'PJSIP/agent-e001') =>
      outcome({
        channelId: id,
        direction: 'outbound',
        endpoint,
        connectedAt: at(from),
        endedAt: to === null ? null : at(to),
      });
    const isAgent = (e: string) => e.startsWith('PJSIP/agent-');
    expect(
      doubleBookedAgents(
        [agent('a', 0, 10), agent('b', 10, 20), agent('c', 5, 6, 'PJSIP/agent-e002')],
        isAgent,
      ),
    ).toEqual([]);
    expect(doubleBookedAgents([agent('a', 0, 10), agent('b', 9, 20)], isAgent)).toEqual(['PJSIP/agent-e001']);
    expect(doubleBookedAgents([agent('a', 0, null), agent('b', 100, 120)], isAgent)).toEqual([
      'PJSIP/agent-e001',
    ]);
  });

  it('reports per tenant and queue and counts contradictions with the platform facts', () => {
    const world = erlangWorld({ agents: 2, lambdaPerHour: 60, ahtS: 60 });
    const placed = new Map([
      ['c1', { tenantId: 'e2e', queueId: 'q1', menuKeyAfterS: 0 }],
      ['c2', { tenantId: 'e2e', queueId: 'q1', menuKeyAfterS: 0 }],
    ]);
    const outcomes = [
      outcome({ channelId: 'c1', connectedAt: at(5), endedAt: at(50), hungUpBy: 'remote' }),
      outcome({ channelId: 'c2', endedAt: at(40), hungUpBy: 'remote' }),
      outcome({ channelId: 'other', endedAt: at(40), hungUpBy: 'remote' }),
    ];
    const clean = buildReport(
      world,
      outcomes,
      placed,
      (id) => new Set(id === 'call-c1' ? ['answered'] : ['abandoned']),
    );
    expect(clean).toMatchObject({ agentsDoubleBooked: 0, callsAnsweredAndAbandoned: 0, inProgress: 0 });
    expect(clean.tenants[0]).toMatchObject({
      offered: 2,
      answered: 1,
      abandoned: 1,
      sl20: 0.5,
      queues: [{ id: 'q1', offered: 2 }],
    });
    const contradicted = buildReport(world, outcomes, placed, () => new Set(['answered']));
    expect(contradicted.callsAnsweredAndAbandoned).toBe(1);
  });
});

describe('histogramQuantile', () => {
  it('interpolates within buckets as PromQL does', () => {
    const text = [
      'x_bucket{le="0.01",step="a"} 50',
      'x_bucket{le="0.02",step="a"} 90',
      'x_bucket{le="0.05",step="a"} 100',
      'x_bucket{le="+Inf",step="a"} 100',
      'x_bucket{le="0.01",step="b"} 0',
    ].join('\n');
    expect(histogramQuantile(text, 'x', { step: 'a' }, 0.5)).toBeCloseTo(0.01);
    expect(histogramQuantile(text, 'x', { step: 'a' }, 0.7)).toBeCloseTo(0.015);
    expect(histogramQuantile(text, 'x', { step: 'a' }, 0.99)).toBeCloseTo(0.047);
    expect(histogramQuantile(text, 'x', { step: 'c' }, 0.5)).toBeUndefined();
  });
});

describe('renderWallboard', () => {
  it('prints one aligned line per queue with SL, ASA and agents by state', () => {
    const text = renderWallboard(
      [
        {
          tenant: 'skyways',
          queue: 'booking',
          waiting: 3,
          longestWaitS: 42.4,
          serviceLevel: 0.812,
          asaS: 9.6,
          abandonment: 0.031,
          offered: 120,
          agents: { available: 2, onCall: 14, wrapUp: 3, notReady: 1 },
        },
      ],
      'header',
    );
    expect(text).toContain('header');
    expect(text).toMatch(/skyways\s+booking\s+3\s+42s\s+81\.2%\s+10s\s+3\.1%\s+120\s+2\s+0\s+14\s+3\s+1/);
  });
});
