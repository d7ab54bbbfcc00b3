import { RoutingEngine } from './routing.engine';
import { RoutingError, RoutingErrorCode } from './routing.exception';
import { ManualClock, type RoutingEvent } from './routing.types';

function setup(options: { priorityAgingMs?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const engine = new RoutingEngine({ clock, defaultRingTimeoutMs: 0, ...options });
  engine.upsertTenant({ tenantId: 't1' });
  engine.upsertTenant({ tenantId: 't2' });
  return { clock, engine };
}

const assigned = (events: RoutingEvent[]) =>
  events.flatMap((e) => (e.type === 'call.assigned' ? [`${e.callId}->${e.agentId}`] : []));

/** Logs an agent in ready, one ms apart so that idle order is the order of the calls. */
function ready(engine: RoutingEngine, clock: ManualClock, ...agentIds: string[]) {
  for (const id of agentIds) {
    clock.advance(1);
    engine.login(id, { ready: true });
  }
}

describe('RoutingEngine eligibility and levels', () => {
  it('routes only to agents holding every required skill at the minimum level', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'en', minLevel: 5 }] });
    engine.upsertAgent({ agentId: 'low', profiles: [{ tenantId: 't1', skills: { en: 4, fr: 9 } }] });
    engine.upsertAgent({ agentId: 'nofr', profiles: [{ tenantId: 't1', skills: { en: 9 } }] });
    engine.upsertAgent({ agentId: 'ok', profiles: [{ tenantId: 't1', skills: { en: 5, fr: 3 } }] });
    ready(engine, clock, 'low', 'nofr', 'ok');
    const events = engine.enqueue({
      callId: 'c1',
      tenantId: 't1',
      queueId: 'q',
      skills: [{ skillId: 'fr', minLevel: 2 }],
    });
    expect(assigned(events)).toEqual(['c1->ok']);
    engine.checkInvariants();
  });

  it('keeps tenants apart: a skill of the same name in another tenant does not qualify', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'en', minLevel: 1 }] });
    engine.upsertAgent({ agentId: 'other', profiles: [{ tenantId: 't2', skills: { en: 10 } }] });
    ready(engine, clock, 'other');
    expect(assigned(engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' }))).toEqual([]);
    expect(engine.waitingCount('q')).toBe(1);
    engine.checkInvariants();
  });

  it('members-only queues take members only', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'sales', membersOnly: true });
    engine.upsertAgent({ agentId: 'a', profiles: [{ tenantId: 't1' }] });
    engine.upsertAgent({ agentId: 'm', profiles: [{ tenantId: 't1', queueIds: ['sales'] }] });
    ready(engine, clock, 'a', 'm');
    expect(assigned(engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'sales' }))).toEqual(['c1->m']);
  });

  it('rejects bad configuration', () => {
    const { engine } = setup();
    expect(() =>
      engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1', skills: { en: 11 } }] }),
    ).toThrow(RoutingError);
    expect(() => engine.upsertQueue({ tenantId: 'nope', queueId: 'q' })).toThrow(RoutingError);
    expect(() =>
      engine.upsertQueue({
        tenantId: 't1',
        queueId: 'q',
        requiredSkills: [{ skillId: '@all', minLevel: 1 }],
      }),
    ).toThrow(RoutingError);
  });
});

describe('RoutingEngine agent selection on arrival', () => {
  it('picks the longest-idle eligible agent', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'en', minLevel: 1 }] });
    for (const id of ['a1', 'a2', 'a3'])
      engine.upsertAgent({ agentId: id, profiles: [{ tenantId: 't1', skills: { en: 3 } }] });
    engine.upsertAgent({ agentId: 'a0', profiles: [{ tenantId: 't1', skills: { en: 9 } }] });
    ready(engine, clock, 'a1', 'a0', 'a2', 'a3');
    clock.advance(1000);
    expect(assigned(engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' }))).toEqual(['c1->a1']);
    expect(assigned(engine.enqueue({ callId: 'c2', tenantId: 't1', queueId: 'q' }))).toEqual(['c2->a0']);
    engine.checkInvariants();
  });

  it('picks the most skilled first when the queue says so', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({
      tenantId: 't1',
      queueId: 'q',
      requiredSkills: [{ skillId: 'en', minLevel: 1 }],
      agentSelection: 'most_skilled',
    });
    engine.upsertAgent({ agentId: 'a1', profiles: [{ tenantId: 't1', skills: { en: 3 } }] });
    engine.upsertAgent({ agentId: 'a2', profiles: [{ tenantId: 't1', skills: { en: 8 } }] });
    engine.upsertAgent({ agentId: 'a3', profiles: [{ tenantId: 't1', skills: { en: 8 } }] });
    ready(engine, clock, 'a1', 'a2', 'a3');
    expect(assigned(engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' }))).toEqual(['c1->a2']);
    expect(assigned(engine.enqueue({ callId: 'c2', tenantId: 't1', queueId: 'q' }))).toEqual(['c2->a3']);
    expect(assigned(engine.enqueue({ callId: 'c3', tenantId: 't1', queueId: 'q' }))).toEqual(['c3->a1']);
  });

  it('sends VIP callers to the best-scoring idle agent', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q' });
    engine.upsertAgent({ agentId: 'a1', profiles: [{ tenantId: 't1' }], qualityScore: 70 });
    engine.upsertAgent({ agentId: 'a2', profiles: [{ tenantId: 't1' }], qualityScore: 95 });
    engine.upsertAgent({ agentId: 'a3', profiles: [{ tenantId: 't1' }], qualityScore: 80 });
    ready(engine, clock, 'a1', 'a2', 'a3');
    expect(assigned(engine.enqueue({ callId: 'vip', tenantId: 't1', queueId: 'q', vip: true }))).toEqual([
      'vip->a2',
    ]);
    engine.setAgentQuality('a3', 99);
    expect(assigned(engine.enqueue({ callId: 'vip2', tenantId: 't1', queueId: 'q', vip: true }))).toEqual([
      'vip2->a3',
    ]);
    expect(assigned(engine.enqueue({ callId: 'std', tenantId: 't1', queueId: 'q' }))).toEqual(['std->a1']);
  });
});

describe('RoutingEngine freed agent: priority, aging, fairness', () => {
  it('takes the oldest call it can serve across queues', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'qa', requiredSkills: [{ skillId: 'a', minLevel: 1 }] });
    engine.upsertQueue({ tenantId: 't1', queueId: 'qb', requiredSkills: [{ skillId: 'b', minLevel: 1 }] });
    engine.upsertQueue({ tenantId: 't1', queueId: 'qc', requiredSkills: [{ skillId: 'c', minLevel: 1 }] });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1', skills: { a: 1, b: 1 } }] });
    engine.login('x');
    engine.enqueue({ callId: 'c', tenantId: 't1', queueId: 'qc' });
    clock.advance(10);
    engine.enqueue({ callId: 'b1', tenantId: 't1', queueId: 'qb' });
    clock.advance(10);
    engine.enqueue({ callId: 'a1', tenantId: 't1', queueId: 'qa' });
    clock.advance(10);
    expect(assigned(engine.setReady('x'))).toEqual(['b1->x']);
    engine.checkInvariants();
  });

  it('priority buys a head start that waiting time eventually overtakes (aging)', () => {
    const { engine, clock } = setup({ priorityAgingMs: 1000 });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q' });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    engine.upsertAgent({ agentId: 'y', profiles: [{ tenantId: 't1' }] });
    engine.login('x');
    engine.login('y');
    engine.enqueue({ callId: 'old', tenantId: 't1', queueId: 'q' });
    clock.advance(4_000);
    engine.enqueue({ callId: 'prio5', tenantId: 't1', queueId: 'q', priority: 5 }); // worth 5 s of waiting
    clock.advance(1);
    expect(assigned(engine.setReady('x'))).toEqual(['prio5->x']);
    engine.enqueue({ callId: 'prio3', tenantId: 't1', queueId: 'q', priority: 3 }); // 3 s < 4 s waited
    expect(assigned(engine.setReady('y'))).toEqual(['old->y']);
  });

  it('queue priority adds to call priority', () => {
    const { engine, clock } = setup({ priorityAgingMs: 1000 });
    engine.upsertQueue({ tenantId: 't1', queueId: 'low' });
    engine.upsertQueue({ tenantId: 't1', queueId: 'high', priority: 10 });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    engine.login('x');
    engine.enqueue({ callId: 'l', tenantId: 't1', queueId: 'low' });
    clock.advance(5_000);
    engine.enqueue({ callId: 'h', tenantId: 't1', queueId: 'high' });
    expect(assigned(engine.setReady('x'))).toEqual(['h->x']);
  });

  it('tenant weights age calls faster but never starve the other tenant', () => {
    const { engine, clock } = setup();
    engine.upsertTenant({ tenantId: 't1', weight: 3 });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q1' });
    engine.upsertQueue({ tenantId: 't2', queueId: 'q2' });
    engine.upsertAgent({ agentId: 'shared', profiles: [{ tenantId: 't1' }, { tenantId: 't2' }] });
    engine.login('shared');
    engine.enqueue({ callId: 'two', tenantId: 't2', queueId: 'q2' });
    clock.advance(10_000);
    engine.enqueue({ callId: 'one', tenantId: 't1', queueId: 'q1' });
    clock.advance(4_000); // t2 waited 14 s (score 14), t1 waited 4 s x 3 = 12
    expect(assigned(engine.setReady('shared'))).toEqual(['two->shared']);
    engine.offerResult('two', 'answered');
    engine.enqueue({ callId: 'two-b', tenantId: 't2', queueId: 'q2' });
    clock.advance(1_000); // t1: 5 s x 3 = 15 > t2's 1 s
    expect(assigned(engine.endCall('two'))).toEqual(['one->shared']);
  });
});

describe('RoutingEngine overflow and max wait', () => {
  it('relaxes levels, adds skills and moves queues at the configured times', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'backup' });
    engine.upsertQueue({
      tenantId: 't1',
      queueId: 'q',
      requiredSkills: [{ skillId: 'en', minLevel: 8 }],
      overflow: [
        { afterMs: 10_000, action: { kind: 'relax_levels', by: 3 } },
        { afterMs: 20_000, action: { kind: 'add_skills', skills: [{ skillId: 'generic', minLevel: 1 }] } },
        { afterMs: 30_000, action: { kind: 'move_to_queue', queueId: 'backup' } },
      ],
    });
    engine.upsertAgent({ agentId: 'mid', profiles: [{ tenantId: 't1', skills: { en: 5 } }] });
    engine.upsertAgent({ agentId: 'gen', profiles: [{ tenantId: 't1', skills: { generic: 2 } }] });
    engine.upsertAgent({ agentId: 'any', profiles: [{ tenantId: 't1' }] });
    ready(engine, clock, 'mid', 'gen', 'any');
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    engine.enqueue({ callId: 'c2', tenantId: 't1', queueId: 'q' });
    engine.enqueue({ callId: 'c3', tenantId: 't1', queueId: 'q' });
    clock.advance(9_999);
    expect(assigned(engine.tick())).toEqual([]);
    clock.advance(1);
    expect(assigned(engine.tick())).toEqual(['c1->mid']);
    engine.checkInvariants();
    clock.advance(10_000);
    expect(assigned(engine.tick())).toEqual(['c2->gen']);
    clock.advance(10_000);
    const events = engine.tick();
    expect(assigned(events)).toEqual(['c3->any']);
    expect(events.find((e) => e.type === 'call.overflowed')).toMatchObject({
      action: 'move_to_queue',
      toQueueId: 'backup',
    });
    expect(events.find((e) => e.type === 'call.assigned')).toMatchObject({
      queueId: 'backup',
      waitMs: 30_000,
    });
    engine.checkInvariants();
  });

  it('dequeues with max_wait', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', maxWaitMs: 5_000 });
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    expect(engine.nextTimerAt()).toBe(clock.now() + 5_000);
    clock.advance(5_000);
    expect(engine.tick()).toEqual([
      expect.objectContaining({ type: 'call.dequeued', reason: 'max_wait', waitMs: 5_000 }),
    ]);
    expect(engine.callSnapshot('c1')).toBeUndefined();
  });
});

describe('RoutingEngine agent lifecycle', () => {
  it('emits every state change with the duration of the previous state and the reason', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', wrapUpMs: 15_000, ringTimeoutMs: 20_000 });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    const states: string[] = [];
    const record = (events: RoutingEvent[]) => {
      for (const e of events)
        if (e.type === 'agent.state_changed')
          states.push(`${e.from}>${e.to}:${e.durationMs}${e.reason ? `:${e.reason}` : ''}`);
    };
    record(engine.login('x'));
    clock.advance(100);
    record(engine.setReady('x'));
    clock.advance(200);
    const a = engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    record(a);
    const token = engine.agentSnapshot('x').fencingToken;
    expect(a.find((e) => e.type === 'call.assigned')).toMatchObject({ fencingToken: token });
    clock.advance(300);
    record(engine.offerResult('c1', 'ringing', token));
    clock.advance(400);
    record(engine.offerResult('c1', 'answered', token));
    clock.advance(60_000);
    record(engine.setNotReady('x', 'break')); // pending until after wrap-up
    record(engine.endCall('c1'));
    clock.advance(15_000);
    record(engine.tick());
    expect(states).toEqual([
      'logged_out>not_ready:0:login',
      'not_ready>available:100',
      'available>reserved:200',
      'reserved>ringing:300',
      'ringing>on_call:400',
      'on_call>wrap_up:60000',
      'wrap_up>not_ready:15000:break',
    ]);
    engine.checkInvariants();
  });

  it('no answer: agent goes not ready, call goes back ahead of later calls', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q' });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    engine.upsertAgent({ agentId: 'y', profiles: [{ tenantId: 't1' }] });
    ready(engine, clock, 'x');
    engine.enqueue({ callId: 'first', tenantId: 't1', queueId: 'q' });
    clock.advance(1000);
    engine.enqueue({ callId: 'second', tenantId: 't1', queueId: 'q' });
    const events = engine.offerResult('first', 'no_answer');
    expect(events.map((e) => e.type)).toEqual(['call.requeued', 'agent.state_changed']);
    expect(engine.agentSnapshot('x')).toMatchObject({ state: 'not_ready', reason: 'no_answer' });
    expect(assigned(engine.login('y', { ready: true }))).toEqual(['first->y']);
    engine.checkInvariants();
  });

  it('ring timeout requeues the call and rejects the stale fencing token afterwards', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', ringTimeoutMs: 10_000 });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    engine.upsertAgent({ agentId: 'y', profiles: [{ tenantId: 't1' }] });
    ready(engine, clock, 'x');
    engine.enqueue({ callId: 'c', tenantId: 't1', queueId: 'q' });
    const stale = engine.agentSnapshot('x').fencingToken;
    engine.login('y', { ready: false });
    clock.advance(10_000);
    const events = engine.tick();
    expect(events[0]).toMatchObject({ type: 'call.requeued', reason: 'ring_timeout' });
    engine.setReady('y');
    expect(() => engine.offerResult('c', 'answered', stale)).toThrow(
      expect.objectContaining({ code: RoutingErrorCode.StaleFencingToken }) as Error,
    );
    engine.checkInvariants();
  });

  it('caller hangs up while ringing: the agent is released and takes the next call', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q' });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    ready(engine, clock, 'x');
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    engine.enqueue({ callId: 'c2', tenantId: 't1', queueId: 'q' });
    engine.offerResult('c1', 'ringing');
    const events = engine.cancel('c1');
    expect(events[0]).toMatchObject({ type: 'call.dequeued', reason: 'abandoned' });
    expect(assigned(events)).toEqual(['c2->x']);
    engine.checkInvariants();
  });

  it('a profile change of an idle agent touches only that agent and picks up waiting calls', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'de', minLevel: 5 }] });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1', skills: { en: 5 } }] });
    engine.upsertAgent({ agentId: 'y', profiles: [{ tenantId: 't1', skills: { en: 5 } }] });
    ready(engine, clock, 'x', 'y');
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    expect(
      assigned(
        engine.upsertAgent({ agentId: 'y', profiles: [{ tenantId: 't1', skills: { en: 5, de: 6 } }] }),
      ),
    ).toEqual(['c1->y']);
    // x keeps its place in the idle order although its profile changed.
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1', skills: { en: 6 } }] });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'en', minLevel: 5 }] });
    engine.checkInvariants();
  });

  it('changing a queue re-evaluates its waiting calls only', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', requiredSkills: [{ skillId: 'de', minLevel: 5 }] });
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1', skills: { de: 3 } }] });
    ready(engine, clock, 'x');
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'q' });
    expect(
      assigned(
        engine.upsertQueue({
          tenantId: 't1',
          queueId: 'q',
          requiredSkills: [{ skillId: 'de', minLevel: 3 }],
        }),
      ),
    ).toEqual(['c1->x']);
  });

  it('refuses impossible transitions and unknown ids', () => {
    const { engine } = setup();
    engine.upsertAgent({ agentId: 'x', profiles: [{ tenantId: 't1' }] });
    expect(() => engine.setReady('x')).toThrow(RoutingError);
    expect(() => engine.setReady('nobody')).toThrow(RoutingError);
    expect(() => engine.cancel('nothing')).toThrow(RoutingError);
    engine.upsertQueue({ tenantId: 't1', queueId: 'q' });
    engine.enqueue({ callId: 'c', tenantId: 't1', queueId: 'q' });
    expect(() => engine.enqueue({ callId: 'c', tenantId: 't1', queueId: 'q' })).toThrow(RoutingError);
    expect(() => engine.removeQueue('q')).toThrow(RoutingError);
    expect(() => engine.enqueue({ callId: 'd', tenantId: 't2', queueId: 'q' })).toThrow(RoutingError);
  });
});

describe('RoutingEngine agents by state per queue', () => {
  it('counts the agents eligible for the queue (skills and levels, or members), not the tenant pool', () => {
    const { engine, clock } = setup();
    engine.upsertQueue({
      tenantId: 't1',
      queueId: 'spanish',
      requiredSkills: [{ skillId: 'es', minLevel: 5 }],
    });
    engine.upsertQueue({ tenantId: 't1', queueId: 'vip', membersOnly: true });
    engine.upsertQueue({ tenantId: 't1', queueId: 'any' });
    engine.upsertAgent({ agentId: 'es7', profiles: [{ tenantId: 't1', skills: { es: 7 } }] });
    engine.upsertAgent({ agentId: 'es3', profiles: [{ tenantId: 't1', skills: { es: 3 } }] });
    engine.upsertAgent({ agentId: 'member', profiles: [{ tenantId: 't1', queueIds: ['vip'] }] });
    engine.upsertAgent({ agentId: 'es9', profiles: [{ tenantId: 't1', skills: { es: 9 } }] });
    // Same skill name, another tenant: not eligible for t1's queues.
    engine.upsertAgent({ agentId: 'other', profiles: [{ tenantId: 't2', skills: { es: 10 } }] });
    ready(engine, clock, 'es7', 'es3', 'other');
    engine.login('member', { ready: false, reason: 'break' });
    const count = (queueId: string) =>
      Object.fromEntries(Object.entries(engine.queueAgentsByState(queueId)).filter(([, n]) => n > 0));
    expect(count('spanish')).toEqual({ available: 1, logged_out: 1 });
    expect(count('vip')).toEqual({ not_ready: 1 });
    expect(count('any')).toEqual({ available: 2, not_ready: 1, logged_out: 1 });
    // A call takes es7 (the only eligible idle agent); a skill change moves es3 into the queue.
    engine.enqueue({ callId: 'c1', tenantId: 't1', queueId: 'spanish' });
    engine.upsertAgent({ agentId: 'es3', profiles: [{ tenantId: 't1', skills: { es: 5 } }] });
    expect(count('spanish')).toEqual({ available: 1, reserved: 1, logged_out: 1 });
  });
});
