import { RoutingEngine } from '../routing/routing.engine';
import { ManualClock } from '../routing/routing.types';
import { RealtimeStatistics } from './realtime-statistics';
import { nextMidnightIn, WindowedCounters } from './sliding-window.util';

const MIN = 60_000;

describe('WindowedCounters', () => {
  it('slides the 15-minute and 1-hour windows minute by minute', () => {
    const w = new WindowedCounters(1, nextMidnightIn('UTC'));
    const t0 = Date.UTC(2026, 0, 5, 8, 0);
    for (let m = 0; m < 90; m++) w.add(t0 + m * MIN + 1, 0, 1); // one per minute
    const now = t0 + 89 * MIN + 2;
    expect(w.read(now, 'last15m')[0]).toBe(15);
    expect(w.read(now, 'last1h')[0]).toBe(60);
    expect(w.read(now, 'today')[0]).toBe(90);
    expect(w.read(now + 10 * MIN, 'last15m')[0]).toBe(5);
    expect(w.read(now + 10 * MIN, 'last1h')[0]).toBe(50);
    expect(w.read(now + 2 * 60 * MIN, 'last1h')[0]).toBe(0);
    expect(w.read(now + 2 * 60 * MIN, 'total')[0]).toBe(90);
  });

  it('resets "today" at midnight of the given zone', () => {
    const zone = 'America/New_York'; // UTC-5 in January
    const w = new WindowedCounters(1, nextMidnightIn(zone));
    w.add(Date.UTC(2026, 0, 6, 4, 59), 0, 1); // 23:59 local
    expect(w.read(Date.UTC(2026, 0, 6, 4, 59, 30), 'today')[0]).toBe(1);
    expect(w.read(Date.UTC(2026, 0, 6, 5, 0, 1), 'today')[0]).toBe(0);
    expect(w.read(Date.UTC(2026, 0, 6, 5, 0, 1), 'total')[0]).toBe(1);
  });

  it('loads a snapshot into fresh counters that then slide on as the original would', () => {
    const zone = nextMidnightIn('UTC');
    const original = new WindowedCounters(2, zone);
    const t0 = Date.UTC(2026, 0, 5, 8, 0);
    for (let m = 0; m < 75; m++) original.add(t0 + m * MIN + 1, m % 2, m + 1);
    const snapshot = JSON.parse(JSON.stringify(original.snapshot())) as Parameters<
      WindowedCounters['load']
    >[0];
    const copy = new WindowedCounters(2, zone);
    copy.load(snapshot);
    for (const later of [0, 7 * MIN, 50 * MIN, 20 * 60 * MIN]) {
      const at = t0 + 74 * MIN + 2 + later;
      for (const window of ['last15m', 'last1h', 'today', 'total'] as const)
        expect(Array.from(copy.read(at, window))).toEqual(Array.from(original.read(at, window)));
    }
    expect(new WindowedCounters(1, zone).snapshot()).toBeUndefined();
  });

  it('finds local midnight across a DST change', () => {
    const next = nextMidnightIn('Europe/Berlin');
    // 2026-03-29 is the spring-forward day: the next midnight is 22:00 UTC (UTC+2 by then).
    expect(next(Date.UTC(2026, 2, 29, 12, 0))).toBe(Date.UTC(2026, 2, 29, 22, 0));
    expect(next(Date.UTC(2026, 0, 1, 12, 0))).toBe(Date.UTC(2026, 0, 1, 23, 0));
  });
});

describe('RealtimeStatistics fed by the routing engine', () => {
  function setup() {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
    const engine = new RoutingEngine({ clock, defaultRingTimeoutMs: 0 });
    const stats = new RealtimeStatistics();
    engine.upsertTenant({ tenantId: 't1' });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', wrapUpMs: 10_000 });
    stats.configureQueue({ tenantId: 't1', queueId: 'q', thresholdSec: 20 });
    for (const id of ['a', 'b']) {
      engine.upsertAgent({ agentId: id, profiles: [{ tenantId: 't1' }] });
      stats.setAgentTenants(id, ['t1']);
    }
    return { clock, engine, stats };
  }

  it('computes every service-level definition, ASA, abandonment, AHT and live figures', () => {
    const { clock, engine, stats } = setup();
    const run = (f: () => ReturnType<RoutingEngine['tick']>) => stats.apply(f());
    run(() => engine.login('a'));
    run(() => engine.login('b'));
    // c1 answered after 10 s (within), c2 after 30 s (miss), c3 abandons at 5 s (early), c4 at 40 s.
    run(() => engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' }));
    run(() => engine.enqueue({ callId: 'c2', tenantId: 't1', queueId: 'q' }));
    run(() => engine.enqueue({ callId: 'c3', tenantId: 't1', queueId: 'q' }));
    run(() => engine.enqueue({ callId: 'c4', tenantId: 't1', queueId: 'q' }));
    clock.advance(5_000);
    run(() => engine.cancel('c3'));
    expect(stats.queueLive('q', clock.now())).toMatchObject({ waiting: 3, longestWaitSec: 5 });
    clock.advance(5_000);
    run(() => engine.setReady('a'));
    run(() => engine.offerResult('c1', 'answered'));
    clock.advance(20_000);
    run(() => engine.setReady('b'));
    run(() => engine.offerResult('c2', 'answered'));
    expect(stats.tenantLive('t1', clock.now()).agentsByState).toMatchObject({ on_call: 2, available: 0 });
    expect(stats.overallLive(clock.now()).agentsByState.on_call).toBe(2);
    expect(stats.tenantLive('t1', clock.now())).toMatchObject({ waiting: 1, longestWaitSec: 30 });
    clock.advance(10_000);
    run(() => engine.cancel('c4'));
    run(() => engine.endCall('c1')); // talk 30 s
    clock.advance(10_000);
    run(() => engine.tick()); // wrap-up 10 s ends
    const s = stats.queueStats('q', clock.now(), 'last15m');
    expect(s).toMatchObject({ answered: 2, abandoned: 2, timedOut: 0 });
    expect(s.sl).toBeCloseTo(1 / 4);
    expect(s.slExcludingShortAbandons).toBeCloseTo(1 / 3);
    expect(s.slOfAnswered).toBeCloseTo(1 / 2);
    expect(s.slAbandonsWithinMet).toBeCloseTo(2 / 4);
    expect(s.asaSec).toBeCloseTo(20);
    expect(s.abandonRate).toBeCloseTo(0.5);
    expect(s.ahtSec).toBeCloseTo(40);
    expect(stats.tenantStats('t1', clock.now(), 'today').answered).toBe(2);
    expect(stats.agentStats('a', clock.now(), 'last1h').answered).toBe(1);
    // Agent a: available 0 s, reserved 0, on call 30 s, wrap 10 s -> occupancy 1; b: idle 0 s.
    expect(stats.agentStats('a', clock.now(), 'last1h').occupancy).toBeCloseTo(1);
    expect(stats.queueLive('q', clock.now())).toMatchObject({ waiting: 0, longestWaitSec: 0 });
    // An hour later the sliding windows are empty but today still counts.
    clock.advance(61 * MIN);
    expect(stats.queueStats('q', clock.now(), 'last1h').answered).toBe(0);
    expect(stats.queueStats('q', clock.now(), 'last1h').sl).toBeNull();
    expect(stats.queueStats('q', clock.now(), 'today').answered).toBe(2);
  });

  it('follows a call that overflows into another queue', () => {
    const clock = new ManualClock(0);
    const engine = new RoutingEngine({ clock });
    const stats = new RealtimeStatistics();
    engine.upsertTenant({ tenantId: 't1' });
    engine.upsertQueue({ tenantId: 't1', queueId: 'b' });
    engine.upsertQueue({
      tenantId: 't1',
      queueId: 'a',
      overflow: [{ afterMs: 1000, action: { kind: 'move_to_queue', queueId: 'b' } }],
    });
    stats.apply(engine.enqueue({ callId: 'c', tenantId: 't1', queueId: 'a' }));
    clock.advance(1000);
    stats.apply(engine.tick());
    expect(stats.queueLive('a', clock.now()).waiting).toBe(0);
    expect(stats.queueLive('b', clock.now())).toMatchObject({ waiting: 1, longestWaitSec: 1 });
    expect(stats.queueStats('a', clock.now(), 'total').overflowedOut).toBe(1);
  });
});
