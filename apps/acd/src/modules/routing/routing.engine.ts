import { AgentStateSchema } from '@cc/contracts';
import { IndexedHeap, type HeapSlot } from './indexed-heap.util';
import { RoutingError, RoutingErrorCode } from './routing.exception';
import type {
  AgentConfig,
  AgentRestore,
  AgentSelection,
  AgentState,
  Clock,
  DequeueReason,
  EnqueueCommand,
  OfferResult,
  OverflowAction,
  QueueConfig,
  RoutingEvent,
  SkillRequirement,
  TenantConfig,
} from './routing.types';

/*
 * Data structures (why they look like this):
 *
 * - Skills are interned per tenant into `SkillRec`s. Queue membership (app_queue's model) and "any agent
 *   of the tenant" are implicit skills too, so one index serves both skills-based and member-based queues.
 * - Idle agents are indexed per (skill, level) in insertion-ordered Maps. An agent becomes available
 *   "now" and the clock is monotonic, so appending keeps every Map sorted by idle time: the longest-idle
 *   eligible agent is found by merging at most 10 level lists of the most selective required skill.
 * - Waiting calls live in buckets: one per (queue, requirement set). Within a bucket every call asks the
 *   same thing and their order is time-invariant (the aging key enqueuedAt - priority x agingMs), so a
 *   heap gives the best call in O(1) and insertion/removal in O(log n). A non-empty bucket is registered
 *   under ONE of its skills (the one held by the fewest agents): an agent can only serve it if it holds
 *   all of them, so a freed agent visits only buckets anchored on its own skills, compares their heads
 *   by weight x (now - agingKey) and takes the best. Nothing scans queues x members.
 * - Timers (ring timeout, wrap-up, overflow steps, max wait) sit in one heap with lazy cancellation by
 *   a per-owner stamp: cancelling is O(1), stale entries are dropped when they surface.
 */

const MIN_LEVEL = 1;
const MAX_LEVEL = 10;
const ALL_AGENTS_SKILL = '@all';
const MEMBER_SKILL_PREFIX = '#q:';

interface TenantRec {
  readonly tenantId: string;
  weight: number;
}

interface SkillRec {
  readonly idx: number;
  readonly tenantId: string;
  readonly skillId: string;
  /** Agents holding the skill at any level (any state): picks the most selective anchor. */
  holders: number;
  /** Those agents (agents by state of a queue visit only the holders of its rarest requirement). */
  readonly holding: Set<AgentRec>;
  /** Index by level 1..10: available agents, insertion order = idle-since order (value: idleSince). */
  readonly available: Map<AgentRec, number>[];
  /** Largest idleSince appended per level (to detect an out-of-order insertion). */
  readonly availableTail: number[];
  /** Non-empty buckets anchored on this skill. */
  readonly activeBuckets: Set<Bucket>;
}

interface Requirement {
  readonly skill: SkillRec;
  readonly min: number;
}

interface QueueRec {
  readonly tenant: TenantRec;
  config: QueueConfig;
  /** Requirements from the queue's own config (skills + membership), before the call's own. */
  baseRequirements: Requirement[];
  priority: number;
  ringTimeoutMs: number;
  wrapUpMs: number;
  selection: AgentSelection;
  vipToBestAgents: boolean;
  overflow: { afterMs: number; action: OverflowAction }[];
  readonly waiting: Set<CallRec>;
}

interface Bucket {
  readonly key: string;
  readonly queue: QueueRec;
  readonly requirements: readonly Requirement[];
  readonly anchor: SkillRec;
  readonly heap: IndexedHeap<BucketEntry>;
}

interface BucketEntry extends HeapSlot {
  readonly call: CallRec;
  readonly bucket: Bucket;
}

type CallState = 'waiting' | 'reserved' | 'ringing' | 'connected';

interface CallRec {
  readonly callId: string;
  readonly seq: number;
  readonly tenant: TenantRec;
  queue: QueueRec;
  readonly ownPriority: number;
  readonly vip: boolean;
  readonly ownRequirements: Requirement[];
  /** Any one alternative suffices (overflow "add skills" adds alternatives). */
  alternatives: Requirement[][];
  entries: BucketEntry[];
  readonly enqueuedAt: number;
  queueEnteredAt: number;
  agingKey: number;
  nextOverflowRule: number;
  state: CallState;
  agent: AgentRec | undefined;
  timerStamp: number;
}

interface AgentRec {
  readonly agentId: string;
  config: AgentConfig;
  /** skill -> level across all the agent's tenants. */
  levels: Map<SkillRec, number>;
  quality: number;
  state: AgentState;
  reason: string | undefined;
  stateSince: number;
  idleSince: number;
  call: CallRec | undefined;
  /** The queue of the last call, for wrap-up attribution. */
  lastQueue: QueueRec | undefined;
  pendingNotReadyReason: string | undefined;
  fencing: number;
  timerStamp: number;
  indexedAvailable: boolean;
}

interface TimerEntry extends HeapSlot {
  readonly at: number;
  readonly seq: number;
  readonly call: CallRec | undefined;
  readonly agent: AgentRec | undefined;
  readonly stamp: number;
}

export interface RoutingEngineOptions {
  readonly clock: Clock;
  /** How much waiting time one priority point is worth when calls compete (default 60 s). */
  readonly priorityAgingMs?: number;
  /** Ring timeout when a queue sets none (default 30 s); 0 disables it. */
  readonly defaultRingTimeoutMs?: number;
}

export interface AgentSnapshot {
  readonly agentId: string;
  readonly state: AgentState;
  readonly reason: string | undefined;
  readonly callId: string | undefined;
  readonly stateSince: number;
  readonly idleSince: number;
  readonly fencingToken: string;
}

export interface CallSnapshot {
  readonly callId: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly state: CallState;
  readonly agentId: string | undefined;
  readonly enqueuedAt: number;
  readonly requirements: readonly (readonly SkillRequirement[])[];
}

/**
 * The routing engine of one shard: pure, synchronous, single-threaded, driven by commands and an
 * injected clock. Every command returns the facts it produced, in order. It never does I/O.
 */
export class RoutingEngine {
  private readonly clock: Clock;
  private readonly priorityAgingMs: number;
  private readonly defaultRingTimeoutMs: number;
  private readonly tenants = new Map<string, TenantRec>();
  private readonly skills = new Map<string, SkillRec>();
  private readonly queues = new Map<string, QueueRec>();
  private readonly agents = new Map<string, AgentRec>();
  private readonly calls = new Map<string, CallRec>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly timers = new IndexedHeap<TimerEntry>(
    (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
  );
  private out: RoutingEvent[] = [];
  private seq = 0;
  private now = 0;

  constructor(options: RoutingEngineOptions) {
    this.clock = options.clock;
    this.priorityAgingMs = options.priorityAgingMs ?? 60_000;
    this.defaultRingTimeoutMs = options.defaultRingTimeoutMs ?? 30_000;
  }

  // ---------------------------------------------------------------- configuration

  upsertTenant(config: TenantConfig): RoutingEvent[] {
    const weight = config.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) this.invalid(`tenant weight must be positive`);
    const existing = this.tenants.get(config.tenantId);
    if (existing) existing.weight = weight;
    else this.tenants.set(config.tenantId, { tenantId: config.tenantId, weight });
    return this.flush();
  }

  /** Creates or changes a queue; touches only this queue and its waiting calls. */
  upsertQueue(config: QueueConfig): RoutingEvent[] {
    this.begin();
    const tenant = this.tenant(config.tenantId);
    for (const rule of config.overflow ?? []) {
      if (!(rule.afterMs >= 0)) this.invalid('overflow afterMs must be >= 0');
      if (rule.action.kind === 'move_to_queue') {
        const target = this.queues.get(rule.action.queueId);
        if (target && target.tenant !== tenant)
          this.invalid('overflow may only move a call within its tenant');
      }
      if (rule.action.kind === 'relax_levels' && !(rule.action.by >= 1))
        this.invalid('relax_levels.by must be >= 1');
    }
    const baseRequirements = this.requirementsOf(tenant, config.requiredSkills ?? []);
    if (config.membersOnly) {
      baseRequirements.push({
        skill: this.skill(tenant.tenantId, MEMBER_SKILL_PREFIX + config.queueId),
        min: 1,
      });
    }
    const fields = {
      config,
      baseRequirements,
      priority: config.priority ?? 0,
      ringTimeoutMs: config.ringTimeoutMs ?? this.defaultRingTimeoutMs,
      wrapUpMs: config.wrapUpMs ?? 0,
      selection: config.agentSelection ?? 'longest_idle',
      vipToBestAgents: config.vipToBestAgents ?? true,
      overflow: [...(config.overflow ?? [])].sort((a, b) => a.afterMs - b.afterMs),
    };
    const existing = this.queues.get(config.queueId);
    if (!existing) {
      this.queues.set(config.queueId, { tenant, waiting: new Set(), ...fields });
      return this.flush();
    }
    if (existing.tenant !== tenant) this.invalid('a queue cannot change tenant');
    Object.assign(existing, fields);
    // Waiting calls get the new requirements and priority; overflow steps already taken stay taken.
    for (const call of [...existing.waiting]) {
      call.alternatives = [this.mergeRequirements(existing, call.ownRequirements)];
      call.agingKey = call.enqueuedAt - (existing.priority + call.ownPriority) * this.priorityAgingMs;
      call.nextOverflowRule = 0;
      this.unbucket(call);
      this.applyDueOverflow(call);
      if (call.state === 'waiting' && this.calls.has(call.callId)) this.placeWaitingCall(call);
    }
    return this.flush();
  }

  removeQueue(queueId: string): RoutingEvent[] {
    const queue = this.queue(queueId);
    if (queue.waiting.size > 0) {
      throw new RoutingError(RoutingErrorCode.QueueNotEmpty, `queue ${queueId} has waiting calls`);
    }
    this.queues.delete(queueId);
    return this.flush();
  }

  /** Creates or changes an agent's profiles; touches only this agent's index entries. */
  upsertAgent(config: AgentConfig): RoutingEvent[] {
    this.begin();
    const levels = new Map<SkillRec, number>();
    for (const profile of config.profiles) {
      const tenant = this.tenant(profile.tenantId);
      levels.set(this.skill(tenant.tenantId, ALL_AGENTS_SKILL), MAX_LEVEL);
      for (const [skillId, level] of Object.entries(profile.skills ?? {})) {
        this.checkSkillId(skillId);
        this.checkLevel(level);
        levels.set(this.skill(tenant.tenantId, skillId), level);
      }
      for (const queueId of profile.queueIds ?? []) {
        levels.set(this.skill(tenant.tenantId, MEMBER_SKILL_PREFIX + queueId), MAX_LEVEL);
      }
    }
    const quality = config.qualityScore ?? 0;
    const existing = this.agents.get(config.agentId);
    if (!existing) {
      const agent: AgentRec = {
        agentId: config.agentId,
        config,
        levels,
        quality,
        state: 'logged_out',
        reason: undefined,
        stateSince: this.now,
        idleSince: this.now,
        call: undefined,
        lastQueue: undefined,
        pendingNotReadyReason: undefined,
        fencing: 0,
        timerStamp: 0,
        indexedAvailable: false,
      };
      for (const skill of levels.keys()) {
        skill.holders++;
        skill.holding.add(agent);
      }
      this.agents.set(config.agentId, agent);
      return this.flush();
    }
    const oldLevels = existing.levels;
    // An idle agent keeps its place in the lists of (skill, level) pairs that did not change; only
    // the changed pairs are removed and re-inserted in idle order.
    if (existing.indexedAvailable) {
      for (const [skill, level] of oldLevels) {
        if (levels.get(skill) !== level) (skill.available[level] as Map<AgentRec, number>).delete(existing);
      }
      for (const [skill, level] of levels)
        if (oldLevels.get(skill) !== level) this.insertIdle(skill, level, existing);
    }
    for (const skill of oldLevels.keys()) {
      skill.holders--;
      skill.holding.delete(existing);
    }
    existing.levels = levels;
    existing.config = config;
    existing.quality = quality;
    for (const skill of levels.keys()) {
      skill.holders++;
      skill.holding.add(existing);
    }
    // New skills may make an idle agent eligible for calls already waiting (reserve() unindexes it).
    if (existing.indexedAvailable) this.takeBestCall(existing);
    return this.flush();
  }

  /** QA scores arrive as events; only this agent is touched. */
  setAgentQuality(agentId: string, qualityScore: number): RoutingEvent[] {
    this.agent(agentId).quality = qualityScore;
    return this.flush();
  }

  removeAgent(agentId: string): RoutingEvent[] {
    const agent = this.agent(agentId);
    if (agent.state !== 'logged_out') this.transition(agent, 'remove a logged-in agent');
    for (const skill of agent.levels.keys()) {
      skill.holders--;
      skill.holding.delete(agent);
    }
    this.agents.delete(agentId);
    return this.flush();
  }

  // ---------------------------------------------------------------- agent commands

  login(agentId: string, options: { ready?: boolean; reason?: string } = {}): RoutingEvent[] {
    this.begin();
    const agent = this.agent(agentId);
    if (agent.state !== 'logged_out') this.transition(agent, 'login');
    if (options.ready) this.becomeAvailable(agent);
    else this.setState(agent, 'not_ready', options.reason ?? 'login');
    return this.flush();
  }

  logout(agentId: string, reason = 'logout'): RoutingEvent[] {
    this.begin();
    const agent = this.agent(agentId);
    switch (agent.state) {
      case 'logged_out':
        return this.flush();
      case 'on_call':
        this.transition(agent, 'logout during a call');
        break;
      case 'reserved':
      case 'ringing':
        this.requeueFromAgent(agent, 'agent_logged_out');
        break;
      case 'available':
      case 'not_ready':
      case 'wrap_up':
        break;
    }
    if (agent.indexedAvailable) this.unindexAvailable(agent);
    agent.timerStamp++;
    agent.pendingNotReadyReason = undefined;
    this.setState(agent, 'logged_out', reason);
    return this.flush();
  }

  setReady(agentId: string): RoutingEvent[] {
    this.begin();
    const agent = this.agent(agentId);
    switch (agent.state) {
      case 'logged_out':
        this.transition(agent, 'ready while logged out');
        break;
      case 'not_ready':
        this.becomeAvailable(agent);
        break;
      case 'available':
        break;
      case 'reserved':
      case 'ringing':
      case 'on_call':
      case 'wrap_up':
        agent.pendingNotReadyReason = undefined;
        break;
    }
    return this.flush();
  }

  /** Not ready now, or after the current call and wrap-up when the agent is busy. */
  setNotReady(agentId: string, reason: string): RoutingEvent[] {
    this.begin();
    const agent = this.agent(agentId);
    switch (agent.state) {
      case 'logged_out':
        this.transition(agent, 'not ready while logged out');
        break;
      case 'available':
        this.unindexAvailable(agent);
        this.setState(agent, 'not_ready', reason);
        break;
      case 'not_ready':
        if (agent.reason !== reason) this.setState(agent, 'not_ready', reason);
        break;
      case 'reserved':
      case 'ringing':
      case 'on_call':
      case 'wrap_up':
        agent.pendingNotReadyReason = reason;
        break;
    }
    return this.flush();
  }

  /** The agent ends wrap-up before its timer. */
  completeWrapUp(agentId: string): RoutingEvent[] {
    this.begin();
    const agent = this.agent(agentId);
    if (agent.state !== 'wrap_up') this.transition(agent, 'complete wrap-up');
    this.afterWrapUp(agent);
    return this.flush();
  }

  // ---------------------------------------------------------------- call commands

  enqueue(command: EnqueueCommand): RoutingEvent[] {
    this.begin();
    if (this.calls.has(command.callId)) {
      throw new RoutingError(RoutingErrorCode.DuplicateCall, `call ${command.callId} is already known`);
    }
    const tenant = this.tenant(command.tenantId);
    const queue = this.queue(command.queueId);
    if (queue.tenant !== tenant) this.invalid(`queue ${command.queueId} belongs to another tenant`);
    const ownPriority = command.priority ?? 0;
    if (!(ownPriority >= 0 && ownPriority <= 100)) this.invalid('priority must be within 0..100');
    const call = this.newCall(command, tenant, queue, ownPriority);
    this.calls.set(call.callId, call);
    queue.waiting.add(call);
    this.emit({
      type: 'call.enqueued',
      at: this.now,
      callId: call.callId,
      tenantId: tenant.tenantId,
      queueId: queue.config.queueId,
      priority: queue.priority + ownPriority,
    });
    this.applyDueOverflow(call); // rules with afterMs 0
    if (call.state === 'waiting' && this.calls.has(call.callId)) this.placeWaitingCall(call);
    return this.flush();
  }

  /**
   * Takeover after a router crash: puts an agent (logged out here) back in the state the previous
   * router persisted, with its call when it was reserved, ringing or on a call. Timers (ring timeout,
   * wrap-up) restart from `since`. Emits only the agent's state change (logged_out -> state, reason
   * `restored`) for statistics; nothing is routed. Available agents are restored by `login` after the
   * waiting calls are back, so that they take them.
   */
  restoreAgent(restore: AgentRestore): RoutingEvent[] {
    this.begin();
    const agent = this.agent(restore.agentId);
    if (agent.state !== 'logged_out') this.transition(agent, 'restore');
    const since = Math.min(restore.since ?? this.now, this.now);
    let call: CallRec | undefined;
    if (restore.state === 'reserved' || restore.state === 'ringing' || restore.state === 'on_call') {
      const command = restore.call;
      if (!command) this.invalid(`restoring agent ${agent.agentId} in ${restore.state} needs its call`);
      if (this.calls.has(command.callId)) {
        throw new RoutingError(RoutingErrorCode.DuplicateCall, `call ${command.callId} is already known`);
      }
      const tenant = this.tenant(command.tenantId);
      const queue = this.queue(command.queueId);
      if (queue.tenant !== tenant) this.invalid(`queue ${command.queueId} belongs to another tenant`);
      call = this.newCall(command, tenant, queue, command.priority ?? 0);
      call.state = restore.state === 'on_call' ? 'connected' : restore.state;
      call.agent = agent;
      agent.call = call;
      agent.fencing++;
      this.calls.set(call.callId, call);
    }
    this.setState(agent, restore.state, restore.reason ?? (call ? undefined : 'restored'), call);
    agent.stateSince = since;
    if (call && call.state !== 'connected' && call.queue.ringTimeoutMs > 0) {
      this.schedule(since + call.queue.ringTimeoutMs, undefined, agent);
    }
    if (restore.state === 'wrap_up') {
      const queue = restore.queueId !== undefined ? this.queues.get(restore.queueId) : undefined;
      agent.lastQueue = queue;
      // Always a timer: a wrap-up of zero length (or of a queue gone) ends at the next tick.
      this.schedule(since + (queue?.wrapUpMs ?? 0), undefined, agent);
    }
    return this.flush();
  }

  /** The caller hung up (abandoned) or the call was withdrawn; releases a reserved/ringing agent. */
  cancel(callId: string, reason: Exclude<DequeueReason, 'max_wait'> = 'abandoned'): RoutingEvent[] {
    this.begin();
    const call = this.call(callId);
    switch (call.state) {
      case 'waiting':
        this.dequeue(call, reason);
        break;
      case 'reserved':
      case 'ringing': {
        const agent = call.agent as AgentRec;
        this.detach(call, agent);
        this.dequeue(call, reason);
        this.releaseAfterOffer(agent, undefined);
        break;
      }
      case 'connected':
        throw new RoutingError(
          RoutingErrorCode.InvalidTransition,
          `call ${callId} is connected: end it instead`,
        );
    }
    return this.flush();
  }

  /** Telephony reports what happened to the offer; the fencing token must be the current one. */
  offerResult(callId: string, result: OfferResult, fencingToken?: string): RoutingEvent[] {
    this.begin();
    const call = this.call(callId);
    const agent = call.agent;
    if (!agent || (call.state !== 'reserved' && call.state !== 'ringing')) {
      throw new RoutingError(RoutingErrorCode.InvalidTransition, `call ${callId} has no pending offer`);
    }
    if (fencingToken !== undefined && fencingToken !== this.fencingToken(agent)) {
      throw new RoutingError(RoutingErrorCode.StaleFencingToken, `stale fencing token for call ${callId}`);
    }
    switch (result) {
      case 'ringing':
        if (call.state === 'reserved') {
          call.state = 'ringing';
          this.setState(agent, 'ringing', undefined, call);
        }
        break;
      case 'answered':
        agent.timerStamp++; // cancels the ring timeout
        call.state = 'connected';
        this.setState(agent, 'on_call', undefined, call);
        this.emit({
          type: 'call.answered',
          at: this.now,
          callId,
          tenantId: call.tenant.tenantId,
          queueId: call.queue.config.queueId,
          agentId: agent.agentId,
          waitMs: this.now - call.enqueuedAt,
        });
        break;
      case 'no_answer':
      case 'busy':
        this.requeueFromAgent(agent, result);
        this.releaseAfterOffer(agent, result);
        break;
    }
    return this.flush();
  }

  /** The connected call is over: the agent goes to wrap-up (or straight on when the queue has none). */
  endCall(callId: string): RoutingEvent[] {
    this.begin();
    const call = this.call(callId);
    const agent = call.agent;
    if (call.state !== 'connected' || !agent) {
      throw new RoutingError(RoutingErrorCode.InvalidTransition, `call ${callId} is not connected`);
    }
    this.calls.delete(callId);
    agent.call = undefined;
    agent.lastQueue = call.queue;
    this.emit({
      type: 'call.ended',
      at: this.now,
      callId,
      tenantId: call.tenant.tenantId,
      queueId: call.queue.config.queueId,
      agentId: agent.agentId,
      talkMs: this.now - agent.stateSince,
    });
    this.setState(agent, 'wrap_up', undefined, call);
    if (call.queue.wrapUpMs > 0) this.schedule(this.now + call.queue.wrapUpMs, undefined, agent);
    else this.afterWrapUp(agent);
    return this.flush();
  }

  /** Runs the timers that are due (overflow, max wait, ring timeout, wrap-up). */
  tick(): RoutingEvent[] {
    this.begin();
    return this.flush();
  }

  /** When the next timer falls due, if any (stale entries included: a tick then does nothing). */
  nextTimerAt(): number | undefined {
    return this.timers.peek()?.at;
  }

  // ---------------------------------------------------------------- queries

  agentSnapshot(agentId: string): AgentSnapshot {
    const a = this.agent(agentId);
    return {
      agentId: a.agentId,
      state: a.state,
      reason: a.reason,
      callId: a.call?.callId,
      stateSince: a.stateSince,
      idleSince: a.idleSince,
      fencingToken: this.fencingToken(a),
    };
  }

  callSnapshot(callId: string): CallSnapshot | undefined {
    const c = this.calls.get(callId);
    if (!c) return undefined;
    return {
      callId: c.callId,
      tenantId: c.tenant.tenantId,
      queueId: c.queue.config.queueId,
      state: c.state,
      agentId: c.agent?.agentId,
      enqueuedAt: c.enqueuedAt,
      requirements: c.alternatives.map((alt) =>
        alt.map((r) => ({ skillId: r.skill.skillId, minLevel: r.min })),
      ),
    };
  }

  /**
   * Agents by state among those eligible for the queue by its own requirements (its skills and
   * minimum levels, or its members): not the tenant's whole pool. Visits the holders of the queue's
   * rarest requirement only.
   */
  queueAgentsByState(queueId: string): Record<AgentState, number> {
    const queue = this.queue(queueId);
    const requirements = this.mergeRequirements(queue, []);
    const counts = Object.fromEntries(AgentStateSchema.options.map((state) => [state, 0])) as Record<
      AgentState,
      number
    >;
    let rarest = requirements[0] as Requirement;
    for (const r of requirements) if (r.skill.holders < rarest.skill.holders) rarest = r;
    for (const agent of rarest.skill.holding) if (this.eligible(agent, requirements)) counts[agent.state]++;
    return counts;
  }

  waitingCount(queueId: string): number {
    return this.queue(queueId).waiting.size;
  }

  counts(): {
    tenants: number;
    queues: number;
    agents: number;
    skills: number;
    calls: number;
    buckets: number;
  } {
    return {
      tenants: this.tenants.size,
      queues: this.queues.size,
      agents: this.agents.size,
      skills: this.skills.size,
      calls: this.calls.size,
      buckets: this.buckets.size,
    };
  }

  /**
   * Checks every invariant by brute force (for tests; O(everything)): one call per agent and one agent
   * per call, the indexes agree with the states, and no idle agent could take a waiting call.
   */
  checkInvariants(): void {
    const fail = (message: string): never => {
      throw new RoutingError(RoutingErrorCode.InvariantViolated, message);
    };
    const holdingAgent = new Map<CallRec, AgentRec>();
    for (const agent of this.agents.values()) {
      const busy = agent.state === 'reserved' || agent.state === 'ringing' || agent.state === 'on_call';
      if (busy !== (agent.call !== undefined))
        fail(`agent ${agent.agentId} in ${agent.state} with call mismatch`);
      if (agent.call) {
        if (holdingAgent.has(agent.call)) fail(`call ${agent.call.callId} held by two agents`);
        holdingAgent.set(agent.call, agent);
        if (agent.call.agent !== agent)
          fail(`call ${agent.call.callId} does not point back to ${agent.agentId}`);
        if (!this.calls.has(agent.call.callId)) fail(`agent ${agent.agentId} holds a forgotten call`);
      }
      if (agent.indexedAvailable !== (agent.state === 'available')) fail(`agent ${agent.agentId} index flag`);
      for (const [skill, level] of agent.levels) {
        const inIndex = skill.available[level]?.has(agent) ?? false;
        if (inIndex !== (agent.state === 'available'))
          fail(`agent ${agent.agentId} index of ${skill.skillId}`);
      }
    }
    for (const skill of this.skills.values()) {
      for (let level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
        let last = -Infinity;
        for (const [agent, idleSince] of skill.available[level] ?? []) {
          if (agent.state !== 'available' || agent.levels.get(skill) !== level) fail(`stale index entry`);
          if (idleSince < last) fail(`available list of ${skill.skillId} out of idle order`);
          last = idleSince;
        }
      }
      for (const bucket of skill.activeBuckets) {
        if (bucket.anchor !== skill || bucket.heap.size === 0) fail(`bucket ${bucket.key} badly anchored`);
      }
    }
    for (const call of this.calls.values()) {
      if (call.state === 'waiting') {
        if (call.agent) fail(`waiting call ${call.callId} has an agent`);
        if (call.entries.length !== call.alternatives.length) fail(`call ${call.callId} bucket entries`);
        if (!call.queue.waiting.has(call)) fail(`call ${call.callId} missing from its queue`);
        for (const entry of call.entries) {
          if (!entry.bucket.heap.has(entry) || this.buckets.get(entry.bucket.key) !== entry.bucket) {
            fail(`call ${call.callId} not in its bucket`);
          }
        }
        for (const agent of this.agents.values()) {
          if (agent.state === 'available' && call.alternatives.some((alt) => this.eligible(agent, alt))) {
            fail(`idle agent ${agent.agentId} could take waiting call ${call.callId}`);
          }
        }
      } else {
        if (holdingAgent.get(call) !== call.agent) fail(`call ${call.callId} agent mismatch`);
        if (call.entries.length > 0 || call.queue.waiting.has(call))
          fail(`assigned call ${call.callId} still queued`);
      }
    }
    for (const bucket of this.buckets.values()) {
      if (bucket.heap.size === 0 || !bucket.anchor.activeBuckets.has(bucket))
        fail(`bucket ${bucket.key} state`);
    }
  }

  // ---------------------------------------------------------------- routing core

  /** Agent just became free: take the best waiting call it can serve, else join the idle index. */
  private newCall(command: EnqueueCommand, tenant: TenantRec, queue: QueueRec, ownPriority: number): CallRec {
    const ownRequirements = this.requirementsOf(tenant, command.skills ?? []);
    const enqueuedAt = Math.min(command.enqueuedAt ?? this.now, this.now);
    return {
      callId: command.callId,
      seq: this.seq++,
      tenant,
      queue,
      ownPriority,
      vip: command.vip ?? false,
      ownRequirements,
      alternatives: [this.mergeRequirements(queue, ownRequirements)],
      entries: [],
      enqueuedAt,
      queueEnteredAt: this.now,
      agingKey: enqueuedAt - (queue.priority + ownPriority) * this.priorityAgingMs,
      nextOverflowRule: 0,
      state: 'waiting',
      agent: undefined,
      timerStamp: 0,
    };
  }

  private becomeAvailable(agent: AgentRec): void {
    agent.idleSince = this.now;
    this.setState(agent, 'available');
    if (!this.takeBestCall(agent)) this.indexAvailable(agent);
  }

  /** Returns whether the agent got a call. The agent must be `available` and not indexed. */
  private takeBestCall(agent: AgentRec): boolean {
    let best: BucketEntry | undefined;
    let bestScore = -Infinity;
    for (const skill of agent.levels.keys()) {
      for (const bucket of skill.activeBuckets) {
        const head = bucket.heap.peek();
        if (!head || !this.eligible(agent, bucket.requirements)) continue;
        const score = bucket.queue.tenant.weight * (this.now - head.call.agingKey);
        if (
          score > bestScore ||
          (score === bestScore && best !== undefined && head.call.seq < best.call.seq)
        ) {
          best = head;
          bestScore = score;
        }
      }
    }
    if (!best) return false;
    this.reserve(agent, best.call);
    return true;
  }

  /** A call needs an agent now (arrival, requeue, overflow): pick among idle eligible agents. */
  private placeWaitingCall(call: CallRec): void {
    const agent = this.findAgentFor(call);
    if (agent) {
      this.reserve(agent, call);
      return;
    }
    this.bucketize(call);
    this.scheduleCallTimer(call);
  }

  private findAgentFor(call: CallRec): AgentRec | undefined {
    const queue = call.queue;
    const mode: 'vip' | AgentSelection = call.vip && queue.vipToBestAgents ? 'vip' : queue.selection;
    let best: AgentRec | undefined;
    for (const alternative of call.alternatives) {
      const candidate = this.bestIdleAgent(alternative, mode);
      if (candidate && (!best || this.better(candidate, best, mode, alternative))) best = candidate;
    }
    return best;
  }

  private better(
    a: AgentRec,
    b: AgentRec,
    mode: 'vip' | AgentSelection,
    alternative: Requirement[],
  ): boolean {
    switch (mode) {
      case 'vip':
        return a.quality > b.quality || (a.quality === b.quality && a.idleSince < b.idleSince);
      case 'most_skilled': {
        const primary = alternative[0];
        const la = primary ? (a.levels.get(primary.skill) ?? 0) : 0;
        const lb = primary ? (b.levels.get(primary.skill) ?? 0) : 0;
        return la > lb || (la === lb && a.idleSince < b.idleSince);
      }
      case 'longest_idle':
        return a.idleSince < b.idleSince;
    }
  }

  private bestIdleAgent(requirements: Requirement[], mode: 'vip' | AgentSelection): AgentRec | undefined {
    if (requirements.length === 0) return undefined;
    if (mode === 'most_skilled') {
      // Highest level of the primary skill first, longest idle within a level.
      const primary = requirements[0] as Requirement;
      for (let level = MAX_LEVEL; level >= primary.min; level--) {
        for (const agent of (primary.skill.available[level] as Map<AgentRec, number>).keys()) {
          if (this.eligible(agent, requirements)) return agent;
        }
      }
      return undefined;
    }
    // Drive the search from the requirement with the fewest idle candidates.
    let driver = requirements[0] as Requirement;
    let driverCount = Infinity;
    for (const r of requirements) {
      let count = 0;
      for (let level = r.min; level <= MAX_LEVEL; level++)
        count += (r.skill.available[level] as Map<AgentRec, number>).size;
      if (count < driverCount) {
        driver = r;
        driverCount = count;
      }
    }
    if (driverCount === 0) return undefined;
    if (mode === 'vip') {
      let best: AgentRec | undefined;
      for (let level = driver.min; level <= MAX_LEVEL; level++) {
        for (const agent of (driver.skill.available[level] as Map<AgentRec, number>).keys()) {
          if (this.eligible(agent, requirements) && (!best || this.better(agent, best, 'vip', requirements)))
            best = agent;
        }
      }
      return best;
    }
    // Longest idle: merge the per-level lists (each sorted by idle time) of the driving skill.
    const iterators: Iterator<[AgentRec, number]>[] = [];
    const heads: ([AgentRec, number] | undefined)[] = [];
    for (let level = driver.min; level <= MAX_LEVEL; level++) {
      const list = driver.skill.available[level] as Map<AgentRec, number>;
      if (list.size === 0) continue;
      const it = list.entries();
      const first = it.next();
      iterators.push(it);
      heads.push(first.done ? undefined : first.value);
    }
    for (;;) {
      let pick = -1;
      let pickIdle = Infinity;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && h[1] < pickIdle) {
          pick = i;
          pickIdle = h[1];
        }
      }
      if (pick < 0) return undefined;
      const [agent] = heads[pick] as [AgentRec, number];
      if (this.eligible(agent, requirements)) return agent;
      const next = (iterators[pick] as Iterator<[AgentRec, number]>).next();
      heads[pick] = next.done ? undefined : next.value;
    }
  }

  private eligible(agent: AgentRec, requirements: readonly Requirement[]): boolean {
    for (const r of requirements) {
      const level = agent.levels.get(r.skill);
      if (level === undefined || level < r.min) return false;
    }
    return true;
  }

  private reserve(agent: AgentRec, call: CallRec): void {
    if (agent.state !== 'available' || agent.call !== undefined) {
      this.invariant(`agent ${agent.agentId} reserved while ${agent.state}`);
    }
    if (call.state !== 'waiting' || call.agent !== undefined) {
      this.invariant(`call ${call.callId} assigned twice`);
    }
    this.unbucket(call);
    call.queue.waiting.delete(call);
    call.timerStamp++;
    if (agent.indexedAvailable) this.unindexAvailable(agent);
    call.state = 'reserved';
    call.agent = agent;
    agent.call = call;
    agent.fencing++;
    this.setState(agent, 'reserved', undefined, call);
    this.emit({
      type: 'call.assigned',
      at: this.now,
      callId: call.callId,
      tenantId: call.tenant.tenantId,
      queueId: call.queue.config.queueId,
      agentId: agent.agentId,
      fencingToken: this.fencingToken(agent),
      waitMs: this.now - call.enqueuedAt,
    });
    if (call.queue.ringTimeoutMs > 0) this.schedule(this.now + call.queue.ringTimeoutMs, undefined, agent);
  }

  /** The offer to `agent` failed: its call goes back to the queue keeping its age (so near the head). */
  private requeueFromAgent(
    agent: AgentRec,
    reason: 'no_answer' | 'busy' | 'ring_timeout' | 'agent_logged_out',
  ): void {
    const call = agent.call as CallRec;
    this.detach(call, agent);
    call.state = 'waiting';
    call.queue.waiting.add(call);
    this.emit({
      type: 'call.requeued',
      at: this.now,
      callId: call.callId,
      tenantId: call.tenant.tenantId,
      queueId: call.queue.config.queueId,
      agentId: agent.agentId,
      reason,
    });
    // The agent is still reserved/ringing, so it cannot be picked again for this call here.
    this.applyDueOverflow(call);
    if (call.state === 'waiting' && this.calls.has(call.callId)) this.placeWaitingCall(call);
  }

  /** After an offer ended without a connection: no answer -> not ready, otherwise back to work. */
  private releaseAfterOffer(
    agent: AgentRec,
    failure: 'no_answer' | 'busy' | 'ring_timeout' | undefined,
  ): void {
    agent.timerStamp++;
    if (failure !== undefined) this.setState(agent, 'not_ready', failure);
    else if (agent.pendingNotReadyReason !== undefined) this.goNotReadyPending(agent);
    else this.becomeAvailable(agent);
  }

  private afterWrapUp(agent: AgentRec): void {
    agent.timerStamp++;
    if (agent.pendingNotReadyReason !== undefined) this.goNotReadyPending(agent);
    else this.becomeAvailable(agent);
  }

  private goNotReadyPending(agent: AgentRec): void {
    const reason = agent.pendingNotReadyReason;
    agent.pendingNotReadyReason = undefined;
    this.setState(agent, 'not_ready', reason);
  }

  private detach(call: CallRec, agent: AgentRec): void {
    if (agent.call !== call || call.agent !== agent)
      this.invariant(`call ${call.callId} / agent ${agent.agentId} mismatch`);
    agent.call = undefined;
    call.agent = undefined;
  }

  private dequeue(call: CallRec, reason: DequeueReason): void {
    this.unbucket(call);
    call.queue.waiting.delete(call);
    call.timerStamp++;
    this.calls.delete(call.callId);
    this.emit({
      type: 'call.dequeued',
      at: this.now,
      callId: call.callId,
      tenantId: call.tenant.tenantId,
      queueId: call.queue.config.queueId,
      reason,
      waitMs: this.now - call.enqueuedAt,
    });
  }

  // ---------------------------------------------------------------- overflow & timers

  /** Applies every overflow rule due by now, and max wait; the call may leave or move queue. */
  private applyDueOverflow(call: CallRec): void {
    for (;;) {
      const queue = call.queue;
      const rule = queue.overflow[call.nextOverflowRule];
      const maxWaitAt =
        queue.config.maxWaitMs !== undefined ? call.queueEnteredAt + queue.config.maxWaitMs : Infinity;
      const ruleAt = rule ? call.queueEnteredAt + rule.afterMs : Infinity;
      if (maxWaitAt <= this.now && maxWaitAt <= ruleAt) {
        this.dequeue(call, 'max_wait');
        return;
      }
      if (!rule || ruleAt > this.now) return;
      call.nextOverflowRule++;
      const action = rule.action;
      switch (action.kind) {
        case 'relax_levels':
          call.alternatives = call.alternatives.map((alt) =>
            alt.map((r) =>
              r.skill.skillId.startsWith('@') ||
              r.skill.skillId.startsWith('#') ||
              (action.skillId !== undefined && action.skillId !== r.skill.skillId)
                ? r
                : { skill: r.skill, min: Math.max(MIN_LEVEL, r.min - action.by) },
            ),
          );
          break;
        case 'add_skills':
          call.alternatives = [...call.alternatives, this.requirementsOf(call.tenant, action.skills)];
          break;
        case 'move_to_queue': {
          const target = this.queues.get(action.queueId);
          if (!target || target.tenant !== call.tenant) break; // a removed target makes the rule inert
          queue.waiting.delete(call);
          target.waiting.add(call);
          call.queue = target;
          call.queueEnteredAt = this.now;
          call.nextOverflowRule = 0;
          call.alternatives = [this.mergeRequirements(target, call.ownRequirements)];
          call.agingKey = call.enqueuedAt - (target.priority + call.ownPriority) * this.priorityAgingMs;
          break;
        }
      }
      this.emit({
        type: 'call.overflowed',
        at: this.now,
        callId: call.callId,
        tenantId: call.tenant.tenantId,
        queueId: queue.config.queueId,
        action: action.kind,
        ...(action.kind === 'move_to_queue' ? { toQueueId: call.queue.config.queueId } : {}),
      });
    }
  }

  private scheduleCallTimer(call: CallRec): void {
    const queue = call.queue;
    const rule = queue.overflow[call.nextOverflowRule];
    let at = rule ? call.queueEnteredAt + rule.afterMs : Infinity;
    if (queue.config.maxWaitMs !== undefined) at = Math.min(at, call.queueEnteredAt + queue.config.maxWaitMs);
    call.timerStamp++;
    if (at !== Infinity) this.schedule(at, call, undefined);
  }

  private schedule(at: number, call: CallRec | undefined, agent: AgentRec | undefined): void {
    const stamp = call ? call.timerStamp : (agent as AgentRec).timerStamp;
    this.timers.push({ at, seq: this.seq++, call, agent, stamp, heapPos: -1 });
  }

  private runDueTimers(): void {
    for (;;) {
      const top = this.timers.peek();
      if (!top || top.at > this.now) return;
      this.timers.pop();
      if (top.call) {
        const call = top.call;
        if (top.stamp !== call.timerStamp || call.state !== 'waiting' || !this.calls.has(call.callId))
          continue;
        this.unbucket(call);
        this.applyDueOverflow(call);
        if (this.calls.has(call.callId)) this.placeWaitingCall(call);
      } else if (top.agent) {
        const agent = top.agent;
        if (top.stamp !== agent.timerStamp) continue;
        if (agent.state === 'wrap_up') this.afterWrapUp(agent);
        else if (agent.state === 'reserved' || agent.state === 'ringing') {
          this.requeueFromAgent(agent, 'ring_timeout');
          this.releaseAfterOffer(agent, 'ring_timeout');
        }
      }
    }
  }

  // ---------------------------------------------------------------- indexes

  private bucketize(call: CallRec): void {
    for (const alternative of call.alternatives) {
      const key = bucketKey(call.queue, alternative);
      let bucket = this.buckets.get(key);
      if (!bucket) {
        let anchor = alternative[0] as Requirement;
        for (const r of alternative) if (r.skill.holders < anchor.skill.holders) anchor = r;
        bucket = {
          key,
          queue: call.queue,
          requirements: alternative,
          anchor: anchor.skill,
          heap: new IndexedHeap<BucketEntry>(
            (a, b) =>
              a.call.agingKey < b.call.agingKey ||
              (a.call.agingKey === b.call.agingKey && a.call.seq < b.call.seq),
          ),
        };
        this.buckets.set(key, bucket);
        anchor.skill.activeBuckets.add(bucket);
      }
      const entry: BucketEntry = { call, bucket, heapPos: -1 };
      bucket.heap.push(entry);
      call.entries.push(entry);
    }
  }

  private unbucket(call: CallRec): void {
    for (const entry of call.entries) {
      const bucket = entry.bucket;
      bucket.heap.remove(entry);
      if (bucket.heap.size === 0) {
        bucket.anchor.activeBuckets.delete(bucket);
        this.buckets.delete(bucket.key);
      }
    }
    call.entries = [];
  }

  private indexAvailable(agent: AgentRec): void {
    for (const [skill, level] of agent.levels) this.insertIdle(skill, level, agent);
    agent.indexedAvailable = true;
  }

  private insertIdle(skill: SkillRec, level: number, agent: AgentRec): void {
    const list = skill.available[level] as Map<AgentRec, number>;
    const tail = skill.availableTail[level] as number;
    if (agent.idleSince >= tail || list.size === 0) {
      list.set(agent, agent.idleSince);
      skill.availableTail[level] = agent.idleSince;
      return;
    }
    // Only after a profile change of an idle agent: re-sort this one list to keep idle order.
    const entries = [...list, [agent, agent.idleSince] as [AgentRec, number]].sort((x, y) => x[1] - y[1]);
    list.clear();
    for (const [a, idle] of entries) list.set(a, idle);
  }

  private unindexAvailable(agent: AgentRec): void {
    for (const [skill, level] of agent.levels)
      (skill.available[level] as Map<AgentRec, number>).delete(agent);
    agent.indexedAvailable = false;
  }

  // ---------------------------------------------------------------- helpers

  private setState(agent: AgentRec, to: AgentState, reason?: string, call?: CallRec): void {
    const from = agent.state;
    this.emit({
      type: 'agent.state_changed',
      at: this.now,
      agentId: agent.agentId,
      from,
      to,
      ...(reason !== undefined ? { reason } : {}),
      durationMs: this.now - agent.stateSince,
      ...(call
        ? { callId: call.callId, tenantId: call.tenant.tenantId, queueId: call.queue.config.queueId }
        : {}),
      // Wrap-up time belongs to the queue of the call just handled (for AHT).
      ...(!call && from === 'wrap_up' && agent.lastQueue
        ? { tenantId: agent.lastQueue.tenant.tenantId, queueId: agent.lastQueue.config.queueId }
        : {}),
    });
    agent.state = to;
    agent.reason = reason;
    agent.stateSince = this.now;
  }

  private mergeRequirements(queue: QueueRec, own: readonly Requirement[]): Requirement[] {
    const bySkill = new Map<SkillRec, number>();
    for (const r of [...queue.baseRequirements, ...own])
      bySkill.set(r.skill, Math.max(bySkill.get(r.skill) ?? 0, r.min));
    if (bySkill.size === 0) bySkill.set(this.skill(queue.tenant.tenantId, ALL_AGENTS_SKILL), 1);
    return [...bySkill].map(([skill, min]) => ({ skill, min }));
  }

  private requirementsOf(tenant: TenantRec, list: readonly SkillRequirement[]): Requirement[] {
    return list.map((r) => {
      this.checkSkillId(r.skillId);
      this.checkLevel(r.minLevel);
      return { skill: this.skill(tenant.tenantId, r.skillId), min: r.minLevel };
    });
  }

  private skill(tenantId: string, skillId: string): SkillRec {
    const key = `${tenantId}\u0000${skillId}`;
    let rec = this.skills.get(key);
    if (!rec) {
      rec = {
        idx: this.skills.size,
        tenantId,
        skillId,
        holders: 0,
        holding: new Set(),
        available: Array.from({ length: MAX_LEVEL + 1 }, () => new Map<AgentRec, number>()),
        availableTail: new Array<number>(MAX_LEVEL + 1).fill(-Infinity),
        activeBuckets: new Set(),
      };
      this.skills.set(key, rec);
    }
    return rec;
  }

  private checkSkillId(skillId: string): void {
    if (skillId.length === 0 || skillId.startsWith('@') || skillId.startsWith('#')) {
      this.invalid(`skill id "${skillId}" is empty or reserved`);
    }
  }

  private checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL)
      this.invalid(`skill level ${level} outside 1..10`);
  }

  private fencingToken(agent: AgentRec): string {
    return `${agent.agentId}#${agent.fencing}`;
  }

  private begin(): void {
    const now = this.clock.now();
    if (now < this.now) this.invariant('the clock went back');
    this.now = now;
    this.runDueTimers();
  }

  private flush(): RoutingEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private emit(event: RoutingEvent): void {
    this.out.push(event);
  }

  private tenant(tenantId: string): TenantRec {
    const t = this.tenants.get(tenantId);
    if (!t) throw new RoutingError(RoutingErrorCode.UnknownTenant, `unknown tenant ${tenantId}`);
    return t;
  }

  private queue(queueId: string): QueueRec {
    const q = this.queues.get(queueId);
    if (!q) throw new RoutingError(RoutingErrorCode.UnknownQueue, `unknown queue ${queueId}`);
    return q;
  }

  private agent(agentId: string): AgentRec {
    const a = this.agents.get(agentId);
    if (!a) throw new RoutingError(RoutingErrorCode.UnknownAgent, `unknown agent ${agentId}`);
    return a;
  }

  private call(callId: string): CallRec {
    const c = this.calls.get(callId);
    if (!c) throw new RoutingError(RoutingErrorCode.UnknownCall, `unknown call ${callId}`);
    return c;
  }

  private invalid(message: string): never {
    throw new RoutingError(RoutingErrorCode.InvalidConfig, message);
  }

  private transition(agent: AgentRec, what: string): never {
    throw new RoutingError(
      RoutingErrorCode.InvalidTransition,
      `agent ${agent.agentId}: cannot ${what} in state ${agent.state}`,
    );
  }

  private invariant(message: string): never {
    throw new RoutingError(RoutingErrorCode.InvariantViolated, message);
  }
}

function bucketKey(queue: QueueRec, requirements: readonly Requirement[]): string {
  let key = queue.config.queueId;
  const parts = requirements.map((r) => `${r.skill.idx}:${r.min}`).sort();
  for (const p of parts) key += `|${p}`;
  return key;
}
