import { InMemoryStateStore } from '../coordination/state-store';
import type { AgentDefinition, QueueDefinition, TenantSettings } from '../configuration/configuration.types';
import { type AssignmentMessage, RouterCore, type RouterConfiguration, type RouterSink } from './router.core';
import type { AgentRecord, CallRecord } from './router.records';

/*
 * Takeover after a router died in the middle of an answer or of a completion: the store holds a
 * connected call whose agent record did or did not move on.
 */

const TENANT = 'ttake';
const T0 = 1_000_000;

function configuration(): RouterConfiguration {
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
      wrapUpMs: 0,
    },
  };
  const agent: AgentDefinition = {
    agentId: 'a0',
    displayName: 'a0',
    endpoint: 'PJSIP/a0',
    qualityScore: 0,
    profiles: [{ tenantId: TENANT, skills: {}, queueIds: [] }],
  };
  return {
    tenants: () => [tenant],
    queues: () => [queue],
    agents: () => [agent],
    tenant: (id) => (id === TENANT ? tenant : undefined),
    queue: (t, q) => (t === TENANT && q === 'q1' ? queue : undefined),
    agent: (id) => (id === 'a0' ? agent : undefined),
  };
}

const connectedCall: CallRecord = {
  tenantId: TENANT,
  callId: 'c1',
  queueId: 'q1',
  priority: 0,
  vip: false,
  skills: [],
  nodeId: 'n1',
  enqueuedAt: T0,
  state: 'connected',
  agentId: 'a0',
  token: 1,
  offeredAt: T0,
};

async function takeOver(agent: AgentRecord) {
  const store = new InMemoryStateStore();
  const clock = { t: T0 + 1_000, now: () => clock.t };
  await store.create('agent.a0', agent); // revision 1: the token the call names
  await store.create('call.ttake.c1', connectedCall);
  const offers: AssignmentMessage[] = [];
  const sink: RouterSink = {
    assignment: (_n, m) => offers.push(m),
    revoked: () => undefined,
    facts: () => undefined,
  };
  const core = new RouterCore(store, clock, configuration(), sink, { onFailure: () => undefined });
  await core.start();
  await new Promise<void>((resolve) => setTimeout(resolve, 10));
  return { store, clock, core, offers };
}

describe('RouterCore takeover of a connected call', () => {
  it('drops a call that ended (its agent is in wrap-up) instead of queueing it again', async () => {
    const { store, clock, core, offers } = await takeOver({
      agentId: 'a0',
      state: 'wrap_up',
      since: T0 + 500,
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
      token: 1,
    });
    expect((store.peek('call.ttake.c1')?.value as CallRecord).state).toBe('ended');
    expect(offers).toEqual([]);
    // A zero-length wrap-up restored by the takeover ends at the next tick.
    clock.t += 10;
    core.tick();
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    expect(core.agentStatus('a0').state).toBe('available');
    expect((store.peek('agent.a0')?.value as AgentRecord).state).toBe('available');
  });

  it('queues the call again when the answer was half written (agent still reserved for it)', async () => {
    const { store, offers } = await takeOver({
      agentId: 'a0',
      state: 'reserved',
      since: T0,
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
      token: 1,
    });
    // The reservation is reaped and the call, never answered for telephony, is offered afresh.
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ callId: 'c1', agentId: 'a0' });
    expect(offers[0]!.fencingToken).toBeGreaterThan(1);
    expect((store.peek('call.ttake.c1')?.value as CallRecord).state).toBe('offered');
  });

  // A reservation's record carries no token: its token is the revision of that write (the value cannot
  // hold its own revision). The ack-reject-crash counterexample of the property test was this case.
  it('keeps a connected call whose agent record is still the tokenless reservation (answer half written)', async () => {
    const { store, offers } = await takeOver({
      agentId: 'a0',
      state: 'reserved',
      since: T0,
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
    });
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ callId: 'c1', agentId: 'a0' });
    expect(offers[0]!.fencingToken).toBeGreaterThan(1);
    const call = store.peek('call.ttake.c1')?.value as CallRecord;
    expect(call).toMatchObject({ state: 'offered', agentId: 'a0', token: offers[0]!.fencingToken });
  });

  it('restores a confirmed reservation (tokenless agent record) with its token instead of reaping it', async () => {
    const store = new InMemoryStateStore();
    const clock = { t: T0 + 1_000, now: () => clock.t };
    await store.create('agent.a0', {
      agentId: 'a0',
      state: 'reserved',
      since: T0,
      tenantId: TENANT,
      callId: 'c1',
      queueId: 'q1',
    });
    await store.create('call.ttake.c1', { ...connectedCall, state: 'offered' });
    const offers: AssignmentMessage[] = [];
    const sink: RouterSink = {
      assignment: (_n, m) => offers.push(m),
      revoked: () => undefined,
      facts: () => undefined,
    };
    const core = new RouterCore(store, clock, configuration(), sink, { onFailure: () => undefined });
    await core.start();
    // The same offer again (telephony may have missed it), under the same token.
    expect(offers).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'a0', fencingToken: 1 })]);
    await expect(
      core.acknowledge(TENANT, { callId: 'c1', agentId: 'a0', fencingToken: 1 }),
    ).resolves.toMatchObject({
      state: 'on_call',
    });
    expect(store.peek('agent.a0')?.value as AgentRecord).toMatchObject({
      state: 'on_call',
      callId: 'c1',
      token: 1,
    });
    expect(store.peek('call.ttake.c1')?.value as CallRecord).toMatchObject({ state: 'connected', token: 1 });
  });

  it('recognises an enqueue retried after the call ended, also after a takeover, until the tombstone expires', async () => {
    const { store, clock, core, offers } = await takeOver({
      agentId: 'a0',
      state: 'available',
      since: T0 + 500,
    });
    await expect(
      core.enqueue(TENANT, {
        callId: 'c1',
        queueId: 'q1',
        skills: [],
        priority: 0,
        vip: false,
        nodeId: 'n1',
      }),
    ).resolves.toEqual({ position: 0, expectedWaitSeconds: 0, alreadyQueued: true });
    expect(offers).toEqual([]);
    // After the retention the tombstone goes; the id is then a new call.
    clock.t += 61_000;
    core.sweepEnded();
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    expect(store.peek('call.ttake.c1')).toBeUndefined();
    await core.enqueue(TENANT, {
      callId: 'c1',
      queueId: 'q1',
      skills: [],
      priority: 0,
      vip: false,
      nodeId: 'n1',
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    expect(offers).toHaveLength(1);
  });
});
