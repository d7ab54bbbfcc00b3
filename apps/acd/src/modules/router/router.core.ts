import { AppError, ErrorKind } from '@cc/platform';
import { KeyedWriter } from '../coordination/keyed-writer';
import { CasConflictError, type StateStore, type StoredEntry } from '../coordination/state-store';
import {
  type AgentDefinition,
  type QueueDefinition,
  type TenantSettings,
  DEFAULT_TENANT_SETTINGS,
  engineCallId,
  engineQueueId,
  localId,
} from '../configuration/configuration.types';
import { isOpen } from '../configuration/opening-hours.util';
import { RoutingEngine } from '../routing/routing.engine';
import { RoutingError, RoutingErrorCode } from '../routing/routing.exception';
import type {
  AgentConfig,
  AgentState,
  Clock,
  EnqueueCommand,
  QueueConfig,
  RoutingEvent,
  SkillRequirement,
} from '../routing/routing.types';
import { RealtimeStatistics, type LiveStats, type WindowStats } from '../statistics/realtime-statistics';
import { StatisticsPersistence } from '../statistics/statistics.persistence';
import {
  AGENT_PREFIX,
  type AgentRecord,
  CALL_PREFIX,
  type CallRecord,
  agentKey,
  assignmentId,
  callKey,
} from './router.records';

/** What the router tells the outside world; all of it after the state it reports is durable. */
export interface RouterSink {
  assignment(nodeId: string, message: AssignmentMessage): void;
  revoked(nodeId: string, message: RevokedMessage): void;
  /** Engine facts (tenant-local ids), with the fencing token of `call.assigned` facts. */
  facts(events: readonly RouterFact[]): void;
}

export interface AssignmentMessage {
  readonly assignmentId: string;
  readonly tenantId: string;
  readonly callId: string;
  readonly queueId: string;
  readonly agentId: string;
  readonly agentEndpoint: string;
  readonly fencingToken: number;
  readonly ringTimeoutMs: number;
  readonly reservedAt: number;
  /** From the call's arrival to this reservation. */
  readonly waitMs: number;
  readonly caller?: { e164: string } | undefined;
}

export interface RevokedMessage {
  readonly assignmentId: string;
  readonly tenantId: string;
  readonly callId: string;
  readonly agentId: string;
  readonly fencingToken: number;
}

export type RouterFact = RoutingEvent & { readonly fencingToken?: unknown; readonly token?: number };

/** The configuration the router is built from (kept in memory by every replica). */
export interface RouterConfiguration {
  tenants(): Iterable<TenantSettings>;
  queues(): Iterable<QueueDefinition>;
  agents(): Iterable<AgentDefinition>;
  tenant(tenantId: string): TenantSettings | undefined;
  queue(tenantId: string, queueId: string): QueueDefinition | undefined;
  agent(agentId: string): AgentDefinition | undefined;
}

export interface EnqueueRequest {
  readonly callId: string;
  readonly queueId: string;
  readonly skills: readonly SkillRequirement[];
  readonly priority: number;
  readonly vip: boolean;
  readonly nodeId: string;
  readonly caller?: { e164: string } | undefined;
  readonly arrivedAt?: number | undefined;
}

export interface AgentStatusView {
  readonly agentId: string;
  readonly state: AgentState;
  readonly reason: string | undefined;
  readonly since: number;
  readonly callId: string | undefined;
  /** The tenant of `callId`. */
  readonly tenantId: string | undefined;
  readonly version: number;
}

export interface QueueStatsView {
  readonly queueId: string;
  readonly window: WindowStats;
  readonly live: LiveStats;
  readonly thresholdSec: number;
}

export interface AssignmentRef {
  readonly callId: string;
  readonly agentId: string;
  readonly fencingToken: number;
}

interface CallRuntime {
  readonly key: string;
  readonly record: CallRecord;
}

interface AgentRuntime {
  readonly key: string;
  readonly record: AgentRecord;
  /** The reservation write in flight (its revision becomes the token). */
  reservation: Promise<number> | undefined;
}

const DEFAULT_THRESHOLD_SEC = 20;

/**
 * An agent record as read back from the store. The fencing token of a reservation is the revision
 * of the reservation write itself, which cannot carry it in its value: a `reserved` record without a
 * token names the revision it was read at (later writes of the same assignment carry it explicitly).
 */
function agentRecordOf(entry: StoredEntry): AgentRecord {
  const record = entry.value as AgentRecord;
  return record.state === 'reserved' && record.token === undefined
    ? { ...record, token: entry.revision }
    : record;
}

function stale(what: string): AppError {
  return new AppError(ErrorKind.FailedPrecondition, `${what}: stale or unknown fencing token`, {
    code: 'acd.stale_fencing_token',
  });
}

/** RoutingError -> AppError (the engine's refusals are the caller's mistakes). */
export function toAppError(error: unknown): unknown {
  if (!(error instanceof RoutingError)) return error;
  switch (error.code) {
    case RoutingErrorCode.UnknownQueue:
    case RoutingErrorCode.UnknownAgent:
    case RoutingErrorCode.UnknownCall:
    case RoutingErrorCode.UnknownTenant:
      return new AppError(ErrorKind.NotFound, error.message, { code: `acd.${error.code}` });
    case RoutingErrorCode.InvalidConfig:
      return new AppError(ErrorKind.InvalidArgument, error.message, { code: `acd.${error.code}` });
    case RoutingErrorCode.DuplicateCall:
      return new AppError(ErrorKind.AlreadyExists, error.message, { code: `acd.${error.code}` });
    case RoutingErrorCode.InvalidTransition:
    case RoutingErrorCode.StaleFencingToken:
    case RoutingErrorCode.QueueNotEmpty:
      return new AppError(ErrorKind.FailedPrecondition, error.message, { code: `acd.${error.code}` });
    case RoutingErrorCode.InvariantViolated:
      return error;
  }
}

/**
 * The active router: the routing engine (in memory, synchronous, fast) plus the durable copy of its
 * live state in the shared store. Every decision is persisted as compare-and-set writes on the
 * agent's record (the reservation; its new revision is the fencing token) and then on the call's
 * record (the assignment, naming that token); an answer goes out only after its writes succeeded.
 * A failed compare-and-set means another router wrote: this one stops (`onFailure`) and a
 * successor rebuilds from the store (`start`), reaping reservations whose call never confirmed them.
 */
export class RouterCore {
  private readonly engine: RoutingEngine;
  readonly statistics: RealtimeStatistics;
  private readonly writer: KeyedWriter;
  private readonly statisticsStore: StatisticsPersistence;
  private readonly mayWrite: () => boolean;
  private readonly calls = new Map<string, CallRuntime>();
  private readonly agents = new Map<string, AgentRuntime>();
  /** Tombstones of calls that left acd: call key -> when (oldest first, mostly). */
  private readonly ended = new Map<string, number>();
  private readonly endedRetentionMs: number;
  private restoring = false;
  private stopped = false;

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly configuration: RouterConfiguration,
    private readonly sink: RouterSink,
    options: {
      onFailure: (error: Error) => void;
      mayWrite?: () => boolean;
      defaultRingTimeoutMs?: number;
      /** How long a call's tombstone recognises a retried enqueue after the call ended (default 60 s). */
      endedRetentionMs?: number;
    },
  ) {
    this.endedRetentionMs = options.endedRetentionMs ?? 60_000;
    this.engine = new RoutingEngine({
      clock,
      ...(options.defaultRingTimeoutMs !== undefined
        ? { defaultRingTimeoutMs: options.defaultRingTimeoutMs }
        : {}),
    });
    this.statistics = new RealtimeStatistics({
      tenantTimeZone: (tenantId) => this.configuration.tenant(tenantId)?.timeZone ?? 'UTC',
    });
    this.statisticsStore = new StatisticsPersistence(store, this.statistics, () => clock.now());
    this.mayWrite = options.mayWrite ?? (() => true);
    this.writer = new KeyedWriter(
      store,
      (error) => {
        this.stopped = true;
        options.onFailure(error);
      },
      options.mayWrite,
    );
    for (const tenant of configuration.tenants()) this.applyTenant(tenant);
    const queues = [...configuration.queues()];
    for (const queue of queues) this.applyQueue(queue);
    for (const agent of configuration.agents()) this.applyAgent(agent);
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** The next engine timer (ring timeout, wrap-up, overflow, max wait). */
  nextTimerAt(): number | undefined {
    return this.engine.nextTimerAt();
  }

  // ------------------------------------------------------------------ takeover

  /**
   * Rebuilds the live state from the store. An agent's reservation counts only when the call's record
   * names the same agent and token (the second compare-and-set happened); otherwise the previous
   * router died between the two writes and the agent is freed (the reaper) while the call waits again.
   */
  async start(): Promise<void> {
    // The counters of the previous routers go on (the live figures come from the state below).
    await this.statisticsStore.restore();
    const { agentEntries, callEntries } = await this.fencedSnapshot();
    const callsByKey = new Map<string, { record: CallRecord; revision: number }>();
    for (const e of callEntries) {
      this.writer.know(e.key, e.revision);
      const record = e.value as CallRecord;
      // A claim marks a key, not a call: a later enqueue of that id starts the call afresh.
      if (record.state === 'ended') {
        if (!record.claimed) this.ended.set(e.key, record.endedAt ?? this.clock.now());
      } else callsByKey.set(e.key, { record, revision: e.revision });
    }
    this.restoring = true;
    const toMakeAvailable: AgentRuntime[] = [];
    const restoredCalls = new Set<string>();
    const offersToResend: CallRuntime[] = [];
    const rewrites: Promise<unknown>[] = [];
    try {
      for (const e of agentEntries) {
        this.writer.know(e.key, e.revision);
        const record = agentRecordOf(e);
        if (!this.configuration.agent(record.agentId)) continue;
        const rt: AgentRuntime = { key: e.key, record: { ...record }, reservation: undefined };
        this.agents.set(record.agentId, rt);
        const busy = record.state === 'reserved' || record.state === 'ringing' || record.state === 'on_call';
        if (busy) {
          const ck =
            record.tenantId !== undefined && record.callId !== undefined
              ? callKey(record.tenantId, record.callId)
              : '';
          const call = callsByKey.get(ck);
          const confirmed =
            call !== undefined &&
            call.record.agentId === record.agentId &&
            call.record.token === record.token &&
            (call.record.state === 'connected') === (record.state === 'on_call');
          if (confirmed && this.configuration.queue(call.record.tenantId, call.record.queueId)) {
            const callRt: CallRuntime = { key: ck, record: { ...call.record } };
            this.calls.set(ck, callRt);
            restoredCalls.add(ck);
            this.statistics.apply(
              this.engine.restoreAgent({
                agentId: record.agentId,
                state: record.state as 'reserved' | 'ringing' | 'on_call',
                since: record.since,
                call: this.commandOf(call.record),
              }),
            );
            if (record.state !== 'on_call') offersToResend.push(callRt);
            continue;
          }
          // Reaper: the reservation was never confirmed by the call's record.
          toMakeAvailable.push(rt);
          this.statistics.apply(
            this.engine.restoreAgent({ agentId: record.agentId, state: 'not_ready', reason: '@reaped' }),
          );
          continue;
        }
        switch (record.state) {
          case 'available':
            toMakeAvailable.push(rt);
            this.statistics.apply(
              this.engine.restoreAgent({
                agentId: record.agentId,
                state: 'not_ready',
                reason: '@restoring',
                since: record.since,
              }),
            );
            break;
          case 'not_ready':
            this.statistics.apply(
              this.engine.restoreAgent({
                agentId: record.agentId,
                state: 'not_ready',
                reason: record.reason ?? 'not_ready',
                since: record.since,
              }),
            );
            break;
          case 'wrap_up':
            this.statistics.apply(
              this.engine.restoreAgent({
                agentId: record.agentId,
                state: 'wrap_up',
                since: record.since,
                ...(record.tenantId !== undefined && record.queueId !== undefined
                  ? { queueId: engineQueueId(record.tenantId, record.queueId) }
                  : {}),
              }),
            );
            break;
          case 'logged_out':
          case 'reserved':
          case 'ringing':
          case 'on_call':
            break;
        }
      }
      // A connected call whose agent has moved past it (wrap-up or later: only endCall moves an agent
      // off on_call) has ended; the previous router died before deleting it. It must not wait again.
      // An agent still reserved/ringing for it means the answer was half written: the call waits.
      const agentRecords = new Map(
        agentEntries.map((e) => [(e.value as AgentRecord).agentId, agentRecordOf(e)]),
      );
      const ended = new Set<string>();
      for (const [key, { record }] of callsByKey) {
        if (record.state !== 'connected' || restoredCalls.has(key) || record.agentId === undefined) continue;
        const agent = agentRecords.get(record.agentId);
        const stillOffered =
          agent !== undefined &&
          (agent.state === 'reserved' || agent.state === 'ringing') &&
          agent.callId === record.callId &&
          agent.token === record.token;
        if (agent === undefined || stillOffered) continue;
        ended.add(key);
        void this.writeTombstone(key, record, this.clock.now()).catch(() => undefined);
      }
      const waiting = [...callsByKey].filter(([key]) => !restoredCalls.has(key) && !ended.has(key));
      waiting.sort((a, b) => a[1].record.enqueuedAt - b[1].record.enqueuedAt);
      for (const [key, { record }] of waiting) {
        if (!this.configuration.queue(record.tenantId, record.queueId)) continue;
        const rt: CallRuntime = {
          key,
          record: { ...record, state: 'waiting', agentId: undefined, token: undefined, offeredAt: undefined },
        };
        this.calls.set(key, rt);
        this.statistics.apply(this.engine.enqueue(this.commandOf(record)));
        // A call whose offer was never confirmed is rewritten: this also fences out a late write
        // of a previous router that still believes in that offer.
        if (record.state !== 'waiting') rewrites.push(this.writeCall(rt));
      }
    } finally {
      this.restoring = false;
    }
    // A call waits again in the store before the agent reaped from it is freed: were the agent's
    // write to land alone before a crash, the next router would take the call (still `connected` or
    // `offered` there, its agent moved on) for one that ended, and drop it.
    await Promise.all(rewrites.map((p) => p.catch(() => undefined)));
    await this.settled([]);
    for (const rt of offersToResend) this.resendOffer(rt);
    toMakeAvailable.sort((a, b) => a.record.since - b.record.since);
    for (const rt of toMakeAvailable) {
      this.run(() => this.engine.setReady(rt.record.agentId));
    }
    await this.settled([...toMakeAvailable.map((a) => a.key)]);
  }

  /**
   * Reads agents and calls and **fences** them: every agent record, then every live call record, is
   * rewritten unchanged by compare-and-set (a reservation's record gains its token explicitly, as its
   * revision changes). From then on a previous router that is still running (a zombie: it lost its
   * lease and has not noticed, or its writes were in flight when it died) cannot change any of them:
   * each of its writes names a revision that is gone, fails, and stops it at once. It can no longer
   * reserve an agent (every reservation is a write of an agent record), so no longer assign a call,
   * confirm or answer an offer, or move a call.
   *
   * A fence that meets a newer value (the old router wrote in between) re-reads the key and fences
   * again, so the snapshot holds the old router's last word on every key. Agents are fenced first, and
   * calls listed after: every reservation the old router made is then final, and a call it created for
   * one is either listed or, if its create is still in flight, **claimed** (created by us as an empty
   * marker, so that create fails). Tombstones (ended calls) are not fenced: the old router can only
   * delete them, which costs the recognition of a retried enqueue, not a second assignment.
   */
  private async fencedSnapshot(): Promise<{ agentEntries: StoredEntry[]; callEntries: StoredEntry[] }> {
    const agentList = await this.store.list(AGENT_PREFIX);
    const agents = (await Promise.all(agentList.map((e) => this.fence(e, agentRecordOf)))).filter(
      (e): e is StoredEntry => e !== undefined,
    );
    const callList = await this.store.list(CALL_PREFIX);
    const calls = (
      await Promise.all(
        callList.map((e) =>
          (e.value as CallRecord).state === 'ended'
            ? Promise.resolve(e)
            : this.fence(e, (fresh) => fresh.value),
        ),
      )
    ).filter((e): e is StoredEntry => e !== undefined);
    const listed = new Set(calls.map((e) => e.key));
    const claims: Promise<StoredEntry | undefined>[] = [];
    for (const e of agents) {
      const a = e.value as AgentRecord;
      if (a.state !== 'reserved' || a.tenantId === undefined || a.callId === undefined) continue;
      const key = callKey(a.tenantId, a.callId);
      if (!listed.has(key)) claims.push(this.claim(key, a));
    }
    for (const claimed of await Promise.all(claims)) if (claimed) calls.push(claimed);
    return { agentEntries: agents, callEntries: calls };
  }

  /**
   * The call of a reservation we found but whose record we did not: its create is in flight (or was
   * lost). Creating the key first makes that create fail; if it landed meanwhile, fence it instead.
   */
  private async claim(key: string, agent: AgentRecord): Promise<StoredEntry | undefined> {
    const now = this.clock.now();
    const marker: CallRecord = {
      tenantId: agent.tenantId as string,
      callId: agent.callId as string,
      queueId: agent.queueId ?? '',
      priority: 0,
      vip: false,
      skills: [],
      nodeId: '',
      enqueuedAt: now,
      state: 'ended',
      endedAt: now,
      claimed: true,
    };
    try {
      return { key, value: marker, revision: await this.store.create(key, marker) };
    } catch (error) {
      if (!(error instanceof CasConflictError)) throw error;
    }
    const landed = await this.store.get(key);
    return landed && this.fence(landed, (fresh) => fresh.value);
  }

  /** Rewrites `entry` (as `rewrite` makes it) by compare-and-set, re-reading it while it changes. */
  private async fence(
    entry: StoredEntry,
    rewrite: (fresh: StoredEntry) => unknown,
  ): Promise<StoredEntry | undefined> {
    let current: StoredEntry | undefined = entry;
    for (let attempt = 0; current !== undefined; attempt++) {
      if (attempt === 20)
        throw new Error(`takeover: ${entry.key} keeps changing, another router still writes`);
      const value = rewrite(current);
      try {
        const revision = await this.store.update(current.key, value, current.revision);
        return { key: current.key, value, revision };
      } catch (error) {
        if (!(error instanceof CasConflictError)) throw error;
        current = await this.store.get(current.key);
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------ configuration (one entity at a time)

  applyTenant(settings: TenantSettings): void {
    this.run(() => this.engine.upsertTenant({ tenantId: settings.tenantId, weight: settings.weight }));
  }

  applyQueue(queue: QueueDefinition): void {
    if (!this.configuration.tenant(queue.tenantId))
      this.applyTenant({ tenantId: queue.tenantId, ...DEFAULT_TENANT_SETTINGS });
    const rules = queue.rules;
    const config: QueueConfig = {
      tenantId: queue.tenantId,
      queueId: engineQueueId(queue.tenantId, queue.queueId),
      requiredSkills: rules.requiredSkills,
      membersOnly: rules.membersOnly,
      priority: queue.priority,
      ...(rules.serviceLevel ? { serviceLevel: rules.serviceLevel } : {}),
      ...(rules.ringTimeoutMs !== undefined ? { ringTimeoutMs: rules.ringTimeoutMs } : {}),
      ...(rules.wrapUpMs !== undefined ? { wrapUpMs: rules.wrapUpMs } : {}),
      ...(rules.maxWaitMs !== undefined ? { maxWaitMs: rules.maxWaitMs } : {}),
      overflow: rules.overflow.map((r) =>
        r.action.kind === 'move_to_queue'
          ? {
              afterMs: r.afterMs,
              action: { kind: 'move_to_queue', queueId: engineQueueId(queue.tenantId, r.action.queueId) },
            }
          : r,
      ),
      agentSelection: rules.agentSelection,
    };
    this.run(() => this.engine.upsertQueue(config));
    this.statistics.configureQueue({
      queueId: config.queueId,
      tenantId: queue.tenantId,
      thresholdSec: rules.serviceLevel?.thresholdSec ?? DEFAULT_THRESHOLD_SEC,
    });
  }

  applyAgent(agent: AgentDefinition): void {
    for (const p of agent.profiles)
      if (!this.configuration.tenant(p.tenantId))
        this.applyTenant({ tenantId: p.tenantId, ...DEFAULT_TENANT_SETTINGS });
    const config: AgentConfig = {
      agentId: agent.agentId,
      qualityScore: agent.qualityScore,
      profiles: agent.profiles.map((p) => ({
        tenantId: p.tenantId,
        skills: p.skills,
        queueIds: p.queueIds.map((q) => engineQueueId(p.tenantId, q)),
      })),
    };
    this.run(() => this.engine.upsertAgent(config));
    this.statistics.setAgentTenants(
      agent.agentId,
      agent.profiles.map((p) => p.tenantId),
    );
  }

  // ------------------------------------------------------------------ calls

  async enqueue(
    tenantId: string,
    request: EnqueueRequest,
  ): Promise<{ position: number; expectedWaitSeconds: number; alreadyQueued: boolean }> {
    this.ensureActive();
    const key = callKey(tenantId, request.callId);
    const queue = this.configuration.queue(tenantId, request.queueId);
    if (!queue) throw AppError.notFound('queue', request.queueId);
    if (this.ended.has(key)) {
      // A retry of a call that already left acd: it must not be routed a second time.
      await this.settled([key]);
      return { position: 0, expectedWaitSeconds: 0, alreadyQueued: true };
    }
    const existing = this.calls.get(key);
    if (existing) {
      await this.settled([key]);
      return { position: this.position(existing), expectedWaitSeconds: 0, alreadyQueued: true };
    }
    const settings = this.configuration.tenant(tenantId) ?? { tenantId, ...DEFAULT_TENANT_SETTINGS };
    if (!isOpen(queue.rules.openingHours, settings.holidays, settings.timeZone, this.clock.now())) {
      throw new AppError(ErrorKind.FailedPrecondition, `queue ${request.queueId} is closed now`, {
        code: 'acd.queue_closed',
      });
    }
    const record: CallRecord = {
      tenantId,
      callId: request.callId,
      queueId: request.queueId,
      priority: request.priority,
      vip: request.vip,
      skills: request.skills,
      nodeId: request.nodeId,
      ...(request.caller ? { caller: request.caller } : {}),
      enqueuedAt: Math.min(request.arrivedAt ?? this.clock.now(), this.clock.now()),
      state: 'waiting',
    };
    const rt: CallRuntime = { key, record };
    this.calls.set(key, rt);
    try {
      this.run(() => this.engine.enqueue(this.commandOf(record)));
    } catch (error) {
      this.calls.delete(key);
      throw error;
    }
    // Durable before we answer: a successor finds every call we acknowledged.
    await this.settled([key]);
    return {
      position: this.calls.has(key) ? this.position(rt) : 0,
      expectedWaitSeconds: 0,
      alreadyQueued: false,
    };
  }

  async cancel(
    tenantId: string,
    callId: string,
    reason: 'abandoned' | 'cancelled',
  ): Promise<{ wasQueued: boolean; revokedAssignmentId: string }> {
    this.ensureActive();
    const key = callKey(tenantId, callId);
    const rt = this.calls.get(key);
    // A connected call is not queued any more: its end comes through StartWrapUp.
    if (!rt || rt.record.state === 'connected') return { wasQueued: false, revokedAssignmentId: '' };
    const offered =
      rt.record.state === 'offered' && rt.record.agentId !== undefined && rt.record.token !== undefined;
    const revoked = offered ? assignmentId(rt.record.agentId as string, rt.record.token as number) : '';
    const agentId = rt.record.agentId;
    this.run(() => this.engine.cancel(engineCallId(tenantId, callId), reason));
    await this.settled([key, ...(agentId ? [agentKey(agentId)] : [])]);
    return { wasQueued: true, revokedAssignmentId: revoked };
  }

  // ------------------------------------------------------------------ assignments (fenced)

  async acknowledge(tenantId: string, ref: AssignmentRef): Promise<AgentStatusView> {
    this.ensureActive();
    const rt = this.offered(tenantId, ref, 'acknowledge');
    if (rt.record.state === 'connected') {
      // A retried acknowledgement: answer once the first one's writes landed (they may still fail).
      await this.settled([rt.key, agentKey(ref.agentId)]);
      return this.agentStatus(ref.agentId);
    }
    this.run(() => this.engine.offerResult(engineCallId(tenantId, ref.callId), 'answered'));
    await this.settled([rt.key, agentKey(ref.agentId)]);
    return this.agentStatus(ref.agentId);
  }

  async reject(
    tenantId: string,
    ref: AssignmentRef,
    result: 'no_answer' | 'busy',
  ): Promise<{ requeued: boolean; agent: AgentStatusView }> {
    this.ensureActive();
    const rt = this.offered(tenantId, ref, 'reject');
    if (rt.record.state !== 'offered') throw stale(`call ${ref.callId} is connected`);
    this.run(() => this.engine.offerResult(engineCallId(tenantId, ref.callId), result));
    await this.settled([rt.key, agentKey(ref.agentId)]);
    return { requeued: this.calls.has(rt.key), agent: this.agentStatus(ref.agentId) };
  }

  async startWrapUp(
    tenantId: string,
    ref: AssignmentRef,
  ): Promise<{ wrapUpUntil: number; agent: AgentStatusView }> {
    this.ensureActive();
    const agent = this.agentWithToken(ref, 'wrap-up');
    const key = callKey(tenantId, ref.callId);
    const rt = this.calls.get(key);
    if (rt && rt.record.state === 'connected') {
      this.run(() => this.engine.endCall(engineCallId(tenantId, ref.callId)));
    } else if (agent.record.state !== 'wrap_up' || agent.record.tenantId !== tenantId) {
      throw stale(`call ${ref.callId} is not connected`);
    }
    await this.settled([key, agent.key]);
    const queue = this.configuration.queue(tenantId, agent.record.queueId ?? '');
    return {
      wrapUpUntil: agent.record.since + (queue?.rules.wrapUpMs ?? 0),
      agent: this.agentStatus(ref.agentId),
    };
  }

  async complete(
    tenantId: string,
    ref: AssignmentRef,
    next: { state: 'available' } | { state: 'not_ready'; reason: string },
  ): Promise<AgentStatusView> {
    this.ensureActive();
    const agent = this.agentWithToken(ref, 'complete');
    if (agent.record.tenantId !== tenantId) throw stale(`call ${ref.callId}`);
    const engineId = engineCallId(tenantId, ref.callId);
    const key = callKey(tenantId, ref.callId);
    const connected = this.calls.get(key)?.record.state === 'connected';
    if (!connected && agent.record.state !== 'wrap_up') throw stale(`call ${ref.callId} is not in wrap-up`);
    // Asked while busy, not-ready applies when wrap-up ends (the engine keeps it pending); a queue
    // without wrap-up time frees the agent within endCall, so it is asked before.
    if (next.state === 'not_ready') this.run(() => this.engine.setNotReady(ref.agentId, next.reason));
    if (connected) this.run(() => this.engine.endCall(engineId));
    if (agent.record.state === 'wrap_up') this.run(() => this.engine.completeWrapUp(ref.agentId));
    await this.settled([key, agent.key]);
    return this.agentStatus(ref.agentId);
  }

  /** Offers not yet answered for a telephony node (sent again when its watch re-opens). */
  pendingAssignments(nodeId: string): AssignmentMessage[] {
    const out: AssignmentMessage[] = [];
    for (const rt of this.calls.values()) {
      if (rt.record.nodeId === nodeId && rt.record.state === 'offered' && rt.record.token !== undefined) {
        const message = this.assignmentOf(rt);
        if (message) out.push(message);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ agents

  async setAgentState(
    agentId: string,
    state: 'logged_out' | 'available' | 'not_ready',
    reason: string | undefined,
    expectedVersion: number,
  ): Promise<AgentStatusView> {
    this.ensureActive();
    if (!this.configuration.agent(agentId)) throw AppError.notFound('agent', agentId);
    const rt = this.agentRuntime(agentId);
    await this.settled([rt.key]);
    if (expectedVersion !== 0 && (this.writer.revision(rt.key) ?? 0) !== expectedVersion) {
      throw new AppError(
        ErrorKind.Conflict,
        `agent ${agentId} changed (version ${this.writer.revision(rt.key) ?? 0})`,
        {
          code: 'acd.agent_version_conflict',
        },
      );
    }
    const current = rt.record.state;
    switch (state) {
      case 'logged_out':
        this.run(() => this.engine.logout(agentId, reason ?? 'logout'));
        break;
      case 'available':
        this.run(() =>
          current === 'logged_out'
            ? this.engine.login(agentId, { ready: true })
            : this.engine.setReady(agentId),
        );
        break;
      case 'not_ready':
        this.run(() =>
          current === 'logged_out'
            ? this.engine.login(agentId, { ready: false, reason: reason ?? 'not_ready' })
            : this.engine.setNotReady(agentId, reason ?? 'not_ready'),
        );
        break;
    }
    await this.settled([...this.agentAndCallKeys(agentId)]);
    return this.agentStatus(agentId);
  }

  agentStatus(agentId: string): AgentStatusView {
    if (!this.configuration.agent(agentId)) throw AppError.notFound('agent', agentId);
    const rt = this.agentRuntime(agentId);
    return {
      agentId,
      state: rt.record.state,
      reason: rt.record.reason,
      since: rt.record.since,
      callId: rt.record.callId,
      tenantId: rt.record.tenantId,
      version: this.writer.revision(rt.key) ?? 0,
    };
  }

  queueStats(tenantId: string, queueIds: readonly string[], window: 'last15m' | 'today'): QueueStatsView[] {
    const now = this.clock.now();
    const ids =
      queueIds.length > 0
        ? queueIds
        : [...this.configuration.queues()].filter((q) => q.tenantId === tenantId).map((q) => q.queueId);
    return ids.map((queueId) => {
      const queue = this.configuration.queue(tenantId, queueId);
      if (!queue) throw AppError.notFound('queue', queueId);
      const id = engineQueueId(tenantId, queueId);
      const live = this.statistics.queueLive(id, now);
      return {
        queueId,
        window: this.statistics.queueStats(id, now, window),
        // The agents this queue can use (its skills and levels, or its members), in each state.
        live: { ...live, agentsByState: this.engine.queueAgentsByState(id) },
        thresholdSec: queue.rules.serviceLevel?.thresholdSec ?? DEFAULT_THRESHOLD_SEC,
      };
    });
  }

  /** Persists the statistics' counters changed since the last save (the host's timer, shutdown). */
  async saveStatistics(): Promise<void> {
    if (this.stopped || !this.mayWrite()) return;
    await this.statisticsStore.save();
  }

  /** Runs due timers (ring timeouts, wrap-up ends, overflow, max wait). */
  tick(): void {
    if (!this.stopped) this.run(() => this.engine.tick());
  }

  // ------------------------------------------------------------------ persistence of facts

  /** Runs an engine command and turns its facts into writes and messages. */
  private run(command: () => RoutingEvent[]): void {
    let events: RoutingEvent[];
    try {
      events = command();
    } catch (error) {
      throw toAppError(error);
    }
    this.statistics.apply(events);
    if (this.restoring) return;
    const facts: RouterFact[] = [];
    const writes: Promise<unknown>[] = [];
    // A call that arrives to a free agent is enqueued and assigned by the same command: its record is
    // written once, in its assigned state (after the reservation), instead of a create and then an
    // update that waits for it. The answer to the enqueue still waits for that write.
    const assignedNow = new Set<string>();
    for (const event of events) if (event.type === 'call.assigned') assignedNow.add(event.callId);
    for (const event of events) {
      if (!(event.type === 'call.enqueued' && assignedNow.has(event.callId)))
        writes.push(this.persist(event));
      facts.push(event);
    }
    // Facts tell what is durable: after their writes landed, never when one failed.
    if (facts.length > 0)
      void Promise.all(writes).then(
        () => this.sink.facts(facts),
        () => undefined,
      );
  }

  /** Queues the writes of one fact; resolves when they landed (rejects when one failed). */
  private persist(event: RoutingEvent): Promise<unknown> {
    switch (event.type) {
      case 'agent.state_changed': {
        const rt = this.agentRuntime(event.agentId);
        const r = rt.record;
        r.state = event.to;
        r.reason = event.reason;
        r.since = event.at;
        if (event.to === 'available' || event.to === 'not_ready' || event.to === 'logged_out') {
          r.tenantId = r.callId = r.queueId = undefined;
          r.token = undefined;
        } else if (
          event.callId !== undefined &&
          event.tenantId !== undefined &&
          event.queueId !== undefined
        ) {
          r.tenantId = event.tenantId;
          r.callId = localId(event.callId);
          r.queueId = localId(event.queueId);
        }
        const snapshot = { ...r };
        if (event.to === 'reserved') {
          r.token = undefined;
          rt.reservation = this.writer.write(rt.key, () => ({ ...snapshot, token: undefined }), {
            written: (revision) => {
              r.token = revision;
            },
          });
          rt.reservation.catch(() => undefined);
          return rt.reservation;
        }
        return this.writer.write(rt.key, () => ({ ...snapshot, token: r.token }));
      }
      case 'call.enqueued':
        return this.writeCall(this.callRuntime(event.tenantId, event.callId));
      case 'call.assigned': {
        const rt = this.callRuntime(event.tenantId, event.callId);
        const agent = this.agentRuntime(event.agentId);
        rt.record.state = 'offered';
        rt.record.agentId = event.agentId;
        rt.record.offeredAt = event.at;
        rt.record.token = undefined;
        const reservation = agent.reservation;
        const snapshot = { ...rt.record };
        return this.writer
          .write(rt.key, () => ({ ...snapshot, token: agent.record.token }), {
            after: reservation,
            written: () => {
              rt.record.token = agent.record.token;
            },
          })
          .then(() => {
            if (this.calls.get(rt.key) === rt && rt.record.agentId === event.agentId) this.resendOffer(rt);
          });
      }
      case 'call.answered': {
        const rt = this.callRuntime(event.tenantId, event.callId);
        rt.record.state = 'connected';
        return this.writeCall(rt);
      }
      case 'call.requeued': {
        const rt = this.callRuntime(event.tenantId, event.callId);
        const revoked = this.revocationOf(
          rt,
          event.reason === 'ring_timeout' || event.reason === 'agent_logged_out',
        );
        rt.record.state = 'waiting';
        rt.record.agentId = rt.record.token = rt.record.offeredAt = undefined;
        return this.afterWrite(this.writeCall(rt), revoked);
      }
      case 'call.overflowed': {
        const rt = this.callRuntime(event.tenantId, event.callId);
        if (event.toQueueId === undefined) return Promise.resolve();
        rt.record.queueId = localId(event.toQueueId);
        return this.writeCall(rt);
      }
      case 'call.dequeued':
      case 'call.ended': {
        const rt = this.callRuntime(event.tenantId, event.callId);
        const revoked = this.revocationOf(rt, event.type === 'call.dequeued');
        this.calls.delete(rt.key);
        return this.afterWrite(this.writeTombstone(rt.key, rt.record, event.at), revoked);
      }
    }
  }

  private writeTombstone(key: string, record: CallRecord, at: number): Promise<number> {
    this.ended.delete(key);
    this.ended.set(key, at);
    const tombstone: CallRecord = {
      ...record,
      state: 'ended',
      endedAt: at,
      agentId: undefined,
      token: undefined,
      offeredAt: undefined,
    };
    return this.writer.write(key, () => tombstone);
  }

  /** Deletes the tombstones older than the retention (called by the host's timer). */
  sweepEnded(): void {
    if (this.stopped) return;
    const horizon = this.clock.now() - this.endedRetentionMs;
    for (const [key, at] of this.ended) {
      if (at > horizon) break;
      this.ended.delete(key);
      void this.writer.write(key, null).catch(() => undefined);
    }
  }

  private writeCall(rt: CallRuntime): Promise<number> {
    const snapshot = { ...rt.record };
    return this.writer.write(rt.key, () => snapshot);
  }

  /** What telephony must be told when an offer it may be ringing is taken back (sent after the write). */
  private revocationOf(
    rt: CallRuntime,
    tell: boolean,
  ): { nodeId: string; message: RevokedMessage } | undefined {
    const { agentId, token } = rt.record;
    if (!tell || rt.record.state !== 'offered' || agentId === undefined || token === undefined)
      return undefined;
    return {
      nodeId: rt.record.nodeId,
      message: {
        assignmentId: assignmentId(agentId, token),
        tenantId: rt.record.tenantId,
        callId: rt.record.callId,
        agentId,
        fencingToken: token,
      },
    };
  }

  /**
   * A revocation goes out only once the write that takes the offer back landed: a router that lost
   * its store to a successor (which re-sent the same offer) must not cancel it in telephony's eyes.
   */
  private afterWrite(
    write: Promise<number>,
    revoked: { nodeId: string; message: RevokedMessage } | undefined,
  ): Promise<number> {
    if (revoked === undefined) return write;
    return write.then((revision) => {
      this.sink.revoked(revoked.nodeId, revoked.message);
      return revision;
    });
  }

  private resendOffer(rt: CallRuntime): void {
    const message = this.assignmentOf(rt);
    if (message) this.sink.assignment(rt.record.nodeId, message);
  }

  private assignmentOf(rt: CallRuntime): AssignmentMessage | undefined {
    const { agentId, token } = rt.record;
    if (agentId === undefined || token === undefined) return undefined;
    const queue = this.configuration.queue(rt.record.tenantId, rt.record.queueId);
    return {
      assignmentId: assignmentId(agentId, token),
      tenantId: rt.record.tenantId,
      callId: rt.record.callId,
      queueId: rt.record.queueId,
      agentId,
      agentEndpoint: this.configuration.agent(agentId)?.endpoint ?? '',
      fencingToken: token,
      ringTimeoutMs: queue?.rules.ringTimeoutMs ?? 30_000,
      reservedAt: rt.record.offeredAt ?? this.clock.now(),
      waitMs: Math.max(0, (rt.record.offeredAt ?? this.clock.now()) - rt.record.enqueuedAt),
      caller: rt.record.caller,
    };
  }

  // ------------------------------------------------------------------ helpers

  /** Waits for every write queued so far on these keys (and fails when the router failed). */
  private async settled(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.writer.barrier(key)));
    const failed = this.writer.failed;
    if (failed) {
      throw new AppError(ErrorKind.Unavailable, 'the router changed: retry', {
        code: 'acd.router_changed',
        retryAfterSeconds: 1,
        cause: failed,
      });
    }
  }

  private agentAndCallKeys(agentId: string): string[] {
    const rt = this.agentRuntime(agentId);
    const keys = [rt.key];
    if (rt.record.tenantId !== undefined && rt.record.callId !== undefined)
      keys.push(callKey(rt.record.tenantId, rt.record.callId));
    return keys;
  }

  private offered(tenantId: string, ref: AssignmentRef, what: string): CallRuntime {
    const rt = this.calls.get(callKey(tenantId, ref.callId));
    if (
      !rt ||
      rt.record.agentId !== ref.agentId ||
      rt.record.token !== ref.fencingToken ||
      rt.record.state === 'waiting'
    ) {
      throw stale(`${what} call ${ref.callId}`);
    }
    return rt;
  }

  private agentWithToken(ref: AssignmentRef, what: string): AgentRuntime {
    const rt = this.agents.get(ref.agentId);
    if (!rt || rt.record.token !== ref.fencingToken || rt.record.callId !== ref.callId)
      throw stale(`${what} call ${ref.callId}`);
    return rt;
  }

  private position(rt: CallRuntime): number {
    if (rt.record.state !== 'waiting') return 0;
    return this.engine.waitingCount(engineQueueId(rt.record.tenantId, rt.record.queueId));
  }

  private commandOf(record: CallRecord): EnqueueCommand {
    return {
      callId: engineCallId(record.tenantId, record.callId),
      tenantId: record.tenantId,
      queueId: engineQueueId(record.tenantId, record.queueId),
      skills: record.skills,
      priority: record.priority,
      vip: record.vip,
      enqueuedAt: record.enqueuedAt,
    };
  }

  private callRuntime(tenantId: string, engineId: string): CallRuntime {
    const key = callKey(tenantId, localId(engineId));
    const rt = this.calls.get(key);
    if (!rt) throw new Error(`router lost track of call ${engineId}`);
    return rt;
  }

  private agentRuntime(agentId: string): AgentRuntime {
    let rt = this.agents.get(agentId);
    if (!rt) {
      rt = {
        key: agentKey(agentId),
        record: { agentId, state: 'logged_out', since: this.clock.now() },
        reservation: undefined,
      };
      this.agents.set(agentId, rt);
    }
    return rt;
  }

  private ensureActive(): void {
    if (this.stopped) {
      throw new AppError(ErrorKind.Unavailable, 'this router stopped: retry', {
        code: 'acd.router_changed',
        retryAfterSeconds: 1,
      });
    }
  }
}
