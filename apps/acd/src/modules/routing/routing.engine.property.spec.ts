import fc from 'fast-check';
import { RoutingEngine } from './routing.engine';
import { RoutingError, RoutingErrorCode } from './routing.exception';
import { ManualClock, type OfferResult, type RoutingEvent } from './routing.types';

/*
 * Exactly-once under random interleavings: any sequence of commands (arrivals, hang-ups, offer results,
 * agent state changes, profile and queue edits, time passing) must never reserve an agent for two calls,
 * never assign a call twice, and never lose a call. Checked twice: by an independent model fed only with
 * the emitted facts, and by the engine's brute-force invariant check after every command.
 */

const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
const QUEUES = ['q0', 'q1', 'q2'];
const SKILLS = ['s0', 's1', 's2'];

const skillMap = fc.dictionary(fc.constantFrom(...SKILLS), fc.integer({ min: 1, max: 10 }), { maxKeys: 3 });

const command = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15_000 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      queue: fc.constantFrom(...QUEUES),
      skill: fc.option(fc.constantFrom(...SKILLS)),
      level: fc.integer({ min: 1, max: 10 }),
      priority: fc.integer({ min: 0, max: 5 }),
      vip: fc.boolean(),
    }),
    weight: 4,
  },
  fc.record({ kind: fc.constant('cancel' as const), call: fc.nat() }),
  {
    arbitrary: fc.record({
      kind: fc.constant('offer' as const),
      call: fc.nat(),
      result: fc.constantFrom<OfferResult>('ringing', 'answered', 'answered', 'no_answer', 'busy'),
      stale: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), call: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('agent' as const),
      agent: fc.constantFrom(...AGENTS),
      op: fc.constantFrom(
        'login',
        'loginReady',
        'loginReady',
        'logout',
        'ready',
        'ready',
        'notReady',
        'wrapDone',
      ),
    }),
    weight: 4,
  },
  fc.record({
    kind: fc.constant('profile' as const),
    agent: fc.constantFrom(...AGENTS),
    skills: skillMap,
    t2: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('queueEdit' as const),
    queue: fc.constantFrom(...QUEUES),
    level: fc.integer({ min: 1, max: 10 }),
  }),
);

function build() {
  const clock = new ManualClock(0);
  const engine = new RoutingEngine({ clock, defaultRingTimeoutMs: 8_000, priorityAgingMs: 2_000 });
  engine.upsertTenant({ tenantId: 't1' });
  engine.upsertTenant({ tenantId: 't2', weight: 2 });
  engine.upsertQueue({ tenantId: 't2', queueId: 'q2', wrapUpMs: 3_000 });
  engine.upsertQueue({ tenantId: 't1', queueId: 'spill', maxWaitMs: 60_000 });
  engine.upsertQueue({
    tenantId: 't1',
    queueId: 'q0',
    requiredSkills: [{ skillId: 's0', minLevel: 6 }],
    maxWaitMs: 90_000,
    wrapUpMs: 2_000,
    overflow: [
      { afterMs: 5_000, action: { kind: 'relax_levels', by: 3 } },
      { afterMs: 10_000, action: { kind: 'add_skills', skills: [{ skillId: 's1', minLevel: 1 }] } },
      { afterMs: 30_000, action: { kind: 'move_to_queue', queueId: 'spill' } },
    ],
  });
  engine.upsertQueue({
    tenantId: 't1',
    queueId: 'q1',
    membersOnly: true,
    agentSelection: 'most_skilled',
    ringTimeoutMs: 4_000,
  });
  for (const [i, id] of AGENTS.entries()) {
    engine.upsertAgent({
      agentId: id,
      qualityScore: i * 10,
      profiles: [
        { tenantId: 't1', skills: { s0: 2 + i, s1: 1 + i }, queueIds: i % 2 === 0 ? ['q1'] : [] },
        ...(i < 3 ? [{ tenantId: 't2' }] : []),
      ],
    });
  }
  return { clock, engine };
}

/** An independent model of who holds what, driven only by the facts. */
class FactModel {
  readonly agentOf = new Map<string, string>();
  readonly callOf = new Map<string, string>();
  readonly finished = new Set<string>();
  readonly enqueued = new Set<string>();

  apply(events: RoutingEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'call.enqueued':
          expect(this.enqueued.has(e.callId)).toBe(false);
          this.enqueued.add(e.callId);
          break;
        case 'call.assigned':
          expect(this.finished.has(e.callId)).toBe(false);
          expect(this.agentOf.has(e.callId)).toBe(false); // never assigned twice
          expect(this.callOf.has(e.agentId)).toBe(false); // never reserved for two calls
          this.agentOf.set(e.callId, e.agentId);
          this.callOf.set(e.agentId, e.callId);
          break;
        case 'call.requeued':
          expect(this.agentOf.get(e.callId)).toBe(e.agentId);
          this.release(e.callId);
          break;
        case 'call.dequeued':
        case 'call.ended':
          expect(this.finished.has(e.callId)).toBe(false);
          this.release(e.callId);
          this.finished.add(e.callId);
          break;
        case 'call.answered':
          expect(this.agentOf.get(e.callId)).toBe(e.agentId);
          break;
        case 'call.overflowed':
        case 'agent.state_changed':
          break;
      }
    }
  }

  private release(callId: string): void {
    const agent = this.agentOf.get(callId);
    if (agent !== undefined) this.callOf.delete(agent);
    this.agentOf.delete(callId);
  }
}

describe('RoutingEngine exactly-once (property)', () => {
  it('never double-reserves, never double-assigns, never loses a call', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 30, maxLength: 150 }), (commands) => {
        const { clock, engine } = build();
        const model = new FactModel();
        const callIds: string[] = [];
        const tokens = new Map<string, string>();
        let n = 0;
        const pick = (i: number) => callIds[i % Math.max(1, callIds.length)] ?? 'none';
        // Offers and hang-ups mostly concern calls that hold an agent (odd indexes: any call).
        const pickHeld = (i: number) => {
          const held = [...model.agentOf.keys()];
          return i % 2 === 0 && held.length > 0 ? (held[(i >> 1) % held.length] as string) : pick(i >> 1);
        };
        for (const c of commands) {
          let events: RoutingEvent[] = [];
          try {
            switch (c.kind) {
              case 'advance':
                clock.advance(c.ms);
                events = engine.tick();
                break;
              case 'enqueue': {
                const callId = `c${n++}`;
                callIds.push(callId);
                const tenantId = c.queue === 'q2' ? 't2' : 't1';
                events = engine.enqueue({
                  callId,
                  tenantId,
                  queueId: c.queue,
                  priority: c.priority,
                  vip: c.vip,
                  ...(c.skill !== null && tenantId === 't1'
                    ? { skills: [{ skillId: c.skill, minLevel: c.level }] }
                    : {}),
                });
                break;
              }
              case 'cancel':
                events = engine.cancel(pick(c.call));
                break;
              case 'offer': {
                const callId = pickHeld(c.call);
                const token = c.stale ? `${tokens.get(callId) ?? 'x'}-old` : undefined;
                events = engine.offerResult(callId, c.result, token);
                break;
              }
              case 'end':
                events = engine.endCall(pickHeld(c.call));
                break;
              case 'agent':
                switch (c.op) {
                  case 'login':
                    events = engine.login(c.agent);
                    break;
                  case 'loginReady':
                    events = engine.login(c.agent, { ready: true });
                    break;
                  case 'logout':
                    events = engine.logout(c.agent);
                    break;
                  case 'ready':
                    events = engine.setReady(c.agent);
                    break;
                  case 'notReady':
                    events = engine.setNotReady(c.agent, 'break');
                    break;
                  case 'wrapDone':
                    events = engine.completeWrapUp(c.agent);
                    break;
                }
                break;
              case 'profile':
                events = engine.upsertAgent({
                  agentId: c.agent,
                  profiles: [
                    { tenantId: 't1', skills: c.skills, queueIds: ['q1'] },
                    ...(c.t2 ? [{ tenantId: 't2' }] : []),
                  ],
                });
                break;
              case 'queueEdit':
                events = engine.upsertQueue({
                  tenantId: 't1',
                  queueId: c.queue === 'q2' ? 'q1' : c.queue,
                  requiredSkills: [{ skillId: 's2', minLevel: c.level }],
                });
                break;
            }
          } catch (error) {
            // Refused commands are fine (wrong state, unknown call); a broken invariant is not.
            if (!(error instanceof RoutingError) || error.code === RoutingErrorCode.InvariantViolated)
              throw error;
          }
          for (const e of events) if (e.type === 'call.assigned') tokens.set(e.callId, e.fencingToken);
          model.apply(events);
          engine.checkInvariants();
        }
        // No call is lost: every enqueued call is finished or still known to the engine.
        for (const callId of model.enqueued) {
          const known = engine.callSnapshot(callId) !== undefined;
          expect(known || model.finished.has(callId)).toBe(true);
          expect(known && model.finished.has(callId)).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});
