import fc from 'fast-check';
import { InMemoryStateStore } from '../coordination/state-store';
import type { AgentDefinition, QueueDefinition, TenantSettings } from '../configuration/configuration.types';
import type { Clock } from '../routing/routing.types';
import { type AssignmentMessage, RouterCore, type RouterConfiguration, type RouterSink } from './router.core';
import type { AgentRecord, CallRecord } from './router.records';

/*
 * The exactly-once argument, tested without NATS: several routers share one compare-and-set store
 * whose every operation may be delayed (so writes of different routers interleave at random). A
 * router may be "killed" at any moment (it stops, its in-flight writes may or may not land) or keep
 * running as a zombie next to its successor. Telephony acknowledges offers at random routers.
 * Whatever happens: no agent ever has two acknowledged calls at once, no call is acknowledged twice,
 * and every call ends acknowledged or still known to the store (never lost).
 */

const TENANT = 'tprop';
/** Cases per property (FC_RUNS overrides, e.g. with FC_SEED=random to explore longer). */
const RUNS = Number(process.env.FC_RUNS ?? 200);

class TestClock implements Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

function configuration(agentCount: number): RouterConfiguration {
  const tenant: TenantSettings = { tenantId: TENANT, timeZone: 'UTC', weight: 1, holidays: [] };
  const queue: QueueDefinition = {
    tenantId: TENANT,
    queueId: 'q1',
    name: 'q1',
    priority: 0,
    version: 1,
    rules: {
      requiredSkills: [],
      membersOnly: false,
      overflow: [],
      agentSelection: 'longest_idle',
      openingHours: [],
      ringTimeoutMs: 5_000,
    },
  };
  const agents: AgentDefinition[] = Array.from({ length: agentCount }, (_, i) => ({
    agentId: `a${i}`,
    displayName: `a${i}`,
    endpoint: `PJSIP/a${i}`,
    qualityScore: 0,
    profiles: [{ tenantId: TENANT, skills: {}, queueIds: [] }],
  }));
  return {
    tenants: () => [tenant],
    queues: () => [queue],
    agents: () => agents,
    tenant: (id) => (id === TENANT ? tenant : undefined),
    queue: (t, q) => (t === TENANT && q === 'q1' ? queue : undefined),
    agent: (id) => agents.find((a) => a.agentId === id),
  };
}

type Op =
  | { kind: 'enqueue' }
  | { kind: 'available'; agent: number }
  | { kind: 'ack'; pick: number; router: number }
  | { kind: 'reject'; pick: number; router: number }
  | { kind: 'complete'; pick: number; router: number }
  | { kind: 'kill'; zombie: boolean }
  | { kind: 'time'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'enqueue' }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('available' as const), agent: fc.nat(5) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat(), router: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat(), router: fc.nat() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(), router: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), zombie: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 100, max: 6_000 }) }),
  },
);

async function yieldRandomly(random: () => number): Promise<void> {
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('RouterCore over a compare-and-set store: exactly once under crashes and zombies', () => {
  async function check(
    zombies: boolean,
    numRuns: number,
    replay?: { seed: number; path: string },
  ): Promise<void> {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 70 }), fc.integer(), async (ops, seed) => {
        let state = seed >>> 0 || 1;
        const random = (): number => {
          state = (state * 1103515245 + 12345) >>> 0;
          return state / 2 ** 32;
        };
        const store = new InMemoryStateStore(() => yieldRandomly(random));
        const clock = new TestClock();
        const config = configuration(6);
        const offers: AssignmentMessage[] = [];
        const sink: RouterSink = {
          assignment: (_node, message) => offers.push(message),
          revoked: () => undefined,
          facts: () => undefined,
        };
        const routers: RouterCore[] = [];
        const killed = new Set<RouterCore>();
        const newRouter = async (): Promise<void> => {
          const core: RouterCore = new RouterCore(store, clock, config, sink, {
            onFailure: () => undefined,
            // A killed router sends nothing more (writes already sent may still land).
            mayWrite: () => !killed.has(core),
          });
          routers.push(core);
          await core.start().catch(() => undefined);
        };
        await newRouter();

        const enqueued: string[] = [];
        const acknowledged = new Map<string, string>(); // call -> agent (successful acknowledgements)
        const onCall = new Map<string, { callId: string; token: number }>(); // agent -> acknowledged call
        const completed = new Set<string>();
        const pending: Promise<unknown>[] = [];
        const routerAt = (n: number): RouterCore => routers[n % routers.length] as RouterCore;

        for (const op of ops) {
          const leader = routers[routers.length - 1] as RouterCore;
          switch (op.kind) {
            case 'enqueue': {
              const callId = `c${enqueued.length}`;
              const done = leader
                .enqueue(TENANT, { callId, queueId: 'q1', skills: [], priority: 0, vip: false, nodeId: 'n1' })
                .then(() => enqueued.push(callId));
              pending.push(done.catch(() => undefined));
              break;
            }
            case 'available':
              pending.push(
                leader.setAgentState(`a${op.agent}`, 'available', undefined, 0).catch(() => undefined),
              );
              break;
            case 'ack':
            case 'reject': {
              const offer = offers[op.pick % Math.max(offers.length, 1)];
              if (!offer) break;
              const ref = { callId: offer.callId, agentId: offer.agentId, fencingToken: offer.fencingToken };
              const router = routerAt(op.router);
              if (op.kind === 'reject') {
                pending.push(router.reject(TENANT, ref, 'no_answer').catch(() => undefined));
                break;
              }
              pending.push(
                router.acknowledge(TENANT, ref).then(
                  () => {
                    // A repeated acknowledgement (idempotent) may resolve after the call completed.
                    if (completed.has(offer.callId)) return;
                    const previous = acknowledged.get(offer.callId);
                    if (previous !== undefined && previous !== offer.agentId)
                      throw new Error(
                        `call ${offer.callId} acknowledged by ${previous} and ${offer.agentId}`,
                      );
                    const busy = onCall.get(offer.agentId);
                    if (busy && busy.callId !== offer.callId)
                      throw new Error(`agent ${offer.agentId} on ${busy.callId} and ${offer.callId}`);
                    acknowledged.set(offer.callId, offer.agentId);
                    onCall.set(offer.agentId, { callId: offer.callId, token: offer.fencingToken });
                  },
                  () => undefined,
                ),
              );
              break;
            }
            case 'complete': {
              const entries = [...onCall];
              const entry = entries[op.pick % Math.max(entries.length, 1)];
              if (!entry) break;
              const [agentId, { callId, token }] = entry;
              // Telephony completes only after the call ended: from then on the agent is free in
              // its eyes, whether or not this request (or its retry) reaches a live router.
              onCall.delete(agentId);
              completed.add(callId);
              pending.push(
                routerAt(op.router)
                  .complete(TENANT, { callId, agentId, fencingToken: token }, { state: 'available' })
                  .catch(() => undefined),
              );
              break;
            }
            case 'kill':
              // The successor takes over from the store; the old router either stops at once or
              // (zombie) keeps writing until a compare-and-set tells it someone else owns the state.
              if (!(zombies && op.zombie)) {
                killed.add(leader);
                routers.splice(routers.indexOf(leader), 1);
              }
              await newRouter();
              break;
            case 'time':
              clock.t += op.ms;
              for (const r of routers) {
                try {
                  r.tick();
                } catch {
                  // a stopped router refuses
                }
              }
              break;
          }
          if (random() < 0.5) await yieldRandomly(random);
        }
        await Promise.all(pending);
        await new Promise<void>((resolve) => setTimeout(resolve, 0));

        // No call lost: every enqueued call is acknowledged or still in the store for a successor.
        const stored = await store.list('call.');
        // (Tombstones of calls that left acd do not count: a call ended by mistake would hide there.)
        const storedIds = new Set(
          stored
            .map((e) => e.value as CallRecord)
            .filter((c) => c.state !== 'ended')
            .map((c) => c.callId),
        );
        for (const callId of enqueued) {
          if (!acknowledged.has(callId) && !storedIds.has(callId)) throw new Error(`call ${callId} lost`);
        }
        // The store's view: an assignment is confirmed when the call's record and the agent's record
        // name each other with the same token. (An agent record alone is an unconfirmed reservation,
        // which the next router reaps.) Confirmed assignments pair each call with one agent and back.
        const agents = new Map(
          (await store.list('agent.')).map((e) => [(e.value as AgentRecord).agentId, e.value as AgentRecord]),
        );
        const confirmedAgents = new Set<string>();
        for (const e of stored) {
          const c = e.value as CallRecord;
          if (c.state === 'waiting' || c.agentId === undefined) continue;
          const a = agents.get(c.agentId);
          if (!a || a.callId !== c.callId || a.token !== c.token) continue;
          if (confirmedAgents.has(c.agentId)) throw new Error(`agent ${c.agentId} confirmed on two calls`);
          confirmedAgents.add(c.agentId);
        }
        // Every acknowledged call that is not completed is still confirmed in the store.
        for (const [agentId, { callId }] of onCall) {
          const a = agents.get(agentId);
          if (a?.callId !== callId)
            throw new Error(`acknowledged call ${callId} of ${agentId} vanished from the store`);
        }
      }),
      replay
        ? { seed: replay.seed, path: replay.path, endOnFailure: true }
        : // The seed is fixed for CI by scripts/jest-fast-check.cjs (FC_SEED=random explores).
          { numRuns },
    );
  }

  it('never double-assigns, never double-acknowledges, never loses a call when routers crash', async () => {
    await check(false, RUNS);
  }, 120_000);

  // Found by a random-seed run on 2026-11-23 (ADR 0008): a call acknowledged, the agent's on_call write
  // lost with its router, then the takeover read the agent's tokenless reservation record as
  // unconfirmed and tombstoned the half-answered call ("call c0 lost"). Replays the shrunk counterexample.
  it('regression: ack, reject, crash does not lose the call', async () => {
    await check(false, 1, {
      seed: -1163713075,
      path: '131:4:7:7:11:11:19:23:23:13:13:13:13:13:13:13:13:13:13:13:13:13:13',
    });
  }, 120_000);

  // A zombie keeps accepting acknowledgements, rejections, completions and timer ticks next to its
  // successor: the takeover fences every record (router.core.fencing.spec.ts), so its writes fail.
  it('the same with zombie routers writing next to their successors', async () => {
    await check(true, RUNS);
  }, 120_000);

  it('reaps a reservation whose call was never confirmed (crash between the two writes)', async () => {
    const store = new InMemoryStateStore();
    const clock = new TestClock();
    const config = configuration(1);
    const offers: AssignmentMessage[] = [];
    const sink: RouterSink = {
      assignment: (_n, m) => offers.push(m),
      revoked: () => undefined,
      facts: () => undefined,
    };
    // The dead router's last words: the agent is reserved (first write), the call still waits.
    await store.create('agent.a0', {
      agentId: 'a0',
      state: 'reserved',
      since: clock.t,
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
      token: 1,
    });
    await store.create('call.tprop.c1', {
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
      priority: 0,
      vip: false,
      skills: [],
      nodeId: 'n1',
      enqueuedAt: clock.t,
      state: 'waiting',
    });
    const core = new RouterCore(store, clock, config, sink, { onFailure: () => undefined });
    await core.start();
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    // Freed and at once given the waiting call again, under a new fencing token.
    expect(offers).toHaveLength(1);
    const offer = offers[0] as AssignmentMessage;
    expect(offer).toMatchObject({ callId: 'c1', agentId: 'a0' });
    expect(offer.fencingToken).toBeGreaterThan(1);
    await expect(
      core.acknowledge(TENANT, { callId: 'c1', agentId: 'a0', fencingToken: 1 }),
    ).rejects.toMatchObject({
      code: 'acd.stale_fencing_token',
    });
    await expect(
      core.acknowledge(TENANT, { callId: 'c1', agentId: 'a0', fencingToken: offer.fencingToken }),
    ).resolves.toMatchObject({
      state: 'on_call',
    });
    expect((store.peek('call.tprop.c1')?.value as CallRecord).state).toBe('connected');
  });
});
