import { InMemoryStateStore } from '../coordination/state-store';
import type { AgentDefinition, QueueDefinition, TenantSettings } from '../configuration/configuration.types';
import {
  type AssignmentMessage,
  type RevokedMessage,
  RouterCore,
  type RouterConfiguration,
  type RouterSink,
} from './router.core';
import type { AgentRecord, CallRecord } from './router.records';

/*
 * Fencing: a router that lost its lease but has not noticed (a zombie) keeps its in-memory state and
 * keeps accepting commands. After its successor's takeover it must not be able to reserve an agent,
 * assign or take back a call: every one of its writes fails, it stops, and it tells telephony nothing.
 */

const TENANT = 'tfence';

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

function sink(): { sink: RouterSink; offers: AssignmentMessage[]; revocations: RevokedMessage[] } {
  const offers: AssignmentMessage[] = [];
  const revocations: RevokedMessage[] = [];
  return {
    offers,
    revocations,
    sink: {
      assignment: (_n, m) => offers.push(m),
      revoked: (_n, m) => revocations.push(m),
      facts: () => undefined,
    },
  };
}

const settle = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 10));
const call = (callId: string) => ({
  callId,
  queueId: 'q1',
  skills: [],
  priority: 0,
  vip: false,
  nodeId: 'n1',
});

describe('RouterCore fencing of a zombie router by its successor', () => {
  async function twoRouters(agentCount: number) {
    const store = new InMemoryStateStore();
    const clock = { t: 1_000_000, now: () => clock.t };
    const config = configuration(agentCount);
    const old = sink();
    const failures: Error[] = [];
    const zombie = new RouterCore(store, clock, config, old.sink, { onFailure: (e) => failures.push(e) });
    await zombie.start();
    return { store, clock, config, old, failures, zombie };
  }

  it('a zombie cannot reserve an agent that was idle at the takeover', async () => {
    const { store, clock, config, old, failures, zombie } = await twoRouters(1);
    await zombie.setAgentState('a0', 'available', undefined, 0);
    const successor = sink();
    const next = new RouterCore(store, clock, config, successor.sink, { onFailure: () => undefined });
    await next.start();
    // The zombie still believes a0 idle and takes the call: its reservation write must fail.
    await expect(zombie.enqueue(TENANT, call('c1'))).rejects.toMatchObject({ code: 'acd.router_changed' });
    await settle();
    expect(failures).toHaveLength(1);
    expect(zombie.active).toBe(false);
    expect(old.offers).toEqual([]);
    expect((store.peek('agent.a0')?.value as AgentRecord).state).toBe('available');
    expect(store.peek('call.tfence.c1')).toBeUndefined();
    // The successor routes the retried enqueue.
    await next.enqueue(TENANT, call('c1'));
    await settle();
    expect(successor.offers).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'a0' })]);
  });

  it('a zombie cannot move an agent it believes in wrap-up or not ready (records it never wrote since)', async () => {
    const { store, clock, config, old, zombie } = await twoRouters(2);
    await zombie.setAgentState('a0', 'not_ready', 'break', 0);
    await zombie.setAgentState('a1', 'available', undefined, 0);
    await zombie.enqueue(TENANT, call('c1'));
    await settle();
    const offer = old.offers[0] as AssignmentMessage;
    expect(offer).toMatchObject({ agentId: 'a1' });
    const successor = sink();
    const successorClock = { now: () => 1_000_000 };
    const next = new RouterCore(store, successorClock, config, successor.sink, {
      onFailure: () => undefined,
    });
    await next.start();
    // The zombie's ring timeout would take the call back from a1 and give it to a0 once ready:
    // none of it may reach the store or telephony.
    clock.t += 6_000;
    zombie.tick();
    await settle();
    expect(old.revocations).toEqual([]);
    expect(zombie.active).toBe(false);
    await expect(zombie.setAgentState('a0', 'available', undefined, 0)).rejects.toMatchObject({
      code: 'acd.router_changed',
    });
    expect((store.peek('agent.a0')?.value as AgentRecord).state).toBe('not_ready');
    expect(store.peek('call.tfence.c1')?.value as CallRecord).toMatchObject({
      state: 'offered',
      agentId: 'a1',
    });
    // The successor re-sent the same offer and accepts its acknowledgement.
    expect(successor.offers).toEqual([
      expect.objectContaining({ callId: 'c1', fencingToken: offer.fencingToken }),
    ]);
    await expect(next.acknowledge(TENANT, offer)).resolves.toMatchObject({ state: 'on_call' });
  });

  it('a zombie cannot acknowledge or complete once its successor took over', async () => {
    const { store, clock, config, old, zombie } = await twoRouters(1);
    await zombie.setAgentState('a0', 'available', undefined, 0);
    await zombie.enqueue(TENANT, call('c1'));
    await settle();
    const offer = old.offers[0] as AssignmentMessage;
    const next = new RouterCore(store, clock, config, sink().sink, { onFailure: () => undefined });
    await next.start();
    await expect(zombie.acknowledge(TENANT, offer)).rejects.toMatchObject({ code: 'acd.router_changed' });
    expect(store.peek('agent.a0')?.value as AgentRecord).toMatchObject({
      state: 'reserved',
      token: offer.fencingToken,
    });
    expect((store.peek('call.tfence.c1')?.value as CallRecord).state).toBe('offered');
  });

  it('claims the call of a reservation whose call record is not written yet, so the late create fails', async () => {
    const store = new InMemoryStateStore();
    const clock = { t: 1_000_000, now: () => clock.t };
    // The old router's reservation landed; its create of the call (an enqueue assigned at once) did not yet.
    await store.create('agent.a0', {
      agentId: 'a0',
      state: 'reserved',
      since: clock.t,
      tenantId: TENANT,
      callId: 'c9',
      queueId: 'q1',
    });
    const next = new RouterCore(store, clock, configuration(1), sink().sink, { onFailure: () => undefined });
    await next.start();
    await expect(store.create('call.tfence.c9', { state: 'offered' })).rejects.toThrow(/exists/);
    expect((store.peek('agent.a0')?.value as AgentRecord).state).toBe('available');
    // The claim is not a tombstone: the caller's retried enqueue routes the call.
    await expect(next.enqueue(TENANT, call('c9'))).resolves.toMatchObject({ alreadyQueued: false });
  });
});
