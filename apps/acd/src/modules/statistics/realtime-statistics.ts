import { IndexedHeap, type HeapSlot } from '../routing/indexed-heap.util';
import type { AgentState, RoutingEvent } from '../routing/routing.types';
import { AgentStateSchema } from '@cc/contracts';
import {
  type CountersSnapshot,
  nextMidnightIn,
  WindowedCounters,
  type WindowName,
} from './sliding-window.util';

/*
 * Real-time statistics built only from the routing engine's facts, so they can run beside the engine or
 * in another process fed from JetStream.
 *
 * Service level: a call is counted when it leaves the queue (answered, abandoned or timed out), against
 * the threshold of the queue it left. Four definitions are reported:
 *   sl                       answered within T / (answered + abandoned + timed out)
 *                            -- abandons count as misses. THE PRODUCT'S DEFAULT (SCENARIOS.md's).
 *   slExcludingShortAbandons answered within T / (answered + abandoned + timed out - abandoned within S)
 *                            -- early abandons (within S, default S = T) are removed.
 *   slOfAnswered             answered within T / answered -- abandons ignored.
 *   slAbandonsWithinMet      (answered within T + abandoned within S) / (answered + abandoned + timed out)
 * ASA is the mean wait of answered calls (zero waits included). AHT is talk + wrap-up per handled call.
 * Occupancy is busy / (busy + available) time of agents, busy = reserved, ringing, on call, wrap-up;
 * a state's duration is counted in the window in which the state ends.
 */

const enum F {
  Answered,
  AnsweredWithin,
  AnsweredAtOnce,
  Abandoned,
  AbandonedShort,
  TimedOut,
  OverflowedOut,
  WaitAnsweredMs,
  Handled,
  TalkMs,
  WrapMs,
  BusyMs,
  AvailableMs,
  Count,
}

const BUSY_STATES: ReadonlySet<AgentState> = new Set(['reserved', 'ringing', 'on_call', 'wrap_up']);
const ALL_STATES: readonly AgentState[] = AgentStateSchema.options;

export interface QueueStatsConfig {
  readonly queueId: string;
  readonly tenantId: string;
  readonly thresholdSec?: number;
  /** Abandons within this many seconds are "early" (default: the threshold). */
  readonly shortAbandonSec?: number;
}

export interface WindowStats {
  readonly answered: number;
  readonly abandoned: number;
  readonly timedOut: number;
  readonly overflowedOut: number;
  readonly sl: number | null;
  readonly slExcludingShortAbandons: number | null;
  readonly slOfAnswered: number | null;
  readonly slAbandonsWithinMet: number | null;
  /** Fraction of answered calls that did not wait at all. */
  readonly answeredAtOnce: number | null;
  readonly asaSec: number | null;
  readonly abandonRate: number | null;
  readonly ahtSec: number | null;
  readonly occupancy: number | null;
}

export interface LiveStats {
  readonly waiting: number;
  readonly longestWaitSec: number;
  readonly agentsByState: Readonly<Record<AgentState, number>>;
}

interface WaitingEntry extends HeapSlot {
  readonly callId: string;
  readonly enqueuedAt: number;
}

class Scope {
  readonly counters: WindowedCounters;
  readonly waiting = new IndexedHeap<WaitingEntry>((a, b) => a.enqueuedAt < b.enqueuedAt);
  readonly agentsByState = new Map<AgentState, number>();

  constructor(nextMidnight: (now: number) => number) {
    this.counters = new WindowedCounters(F.Count, nextMidnight);
  }
}

interface TrackedCall {
  readonly enqueuedAt: number;
  readonly tenantId: string;
  queueId: string;
  entries: WaitingEntry[];
  scopes: Scope[];
  agentId: string | undefined;
}

export interface RealtimeStatisticsOptions {
  /** IANA zone per tenant for "today" (default UTC). */
  readonly tenantTimeZone?: (tenantId: string) => string;
}

/** One scope's counters, as persisted (the live part is rebuilt from the restored routing state). */
export interface ScopeCounters {
  readonly scope: string;
  /** Whose zone decides "today" ('UTC' for agents and the overall scope). */
  readonly tenantId: string;
  readonly counters: CountersSnapshot;
}

export class RealtimeStatistics {
  /** Scopes whose counters changed since `changedCounters` last ran: scope -> tenant (zone). */
  private readonly changed = new Map<string, string>();
  private readonly scopes = new Map<string, Scope>();
  private readonly queues = new Map<string, QueueStatsConfig>();
  private readonly calls = new Map<string, TrackedCall>();
  private readonly agentStates = new Map<string, AgentState>();
  private readonly agentTenants = new Map<string, readonly string[]>();
  private readonly midnightByZone = new Map<string, (now: number) => number>();

  constructor(private readonly options: RealtimeStatisticsOptions = {}) {}

  configureQueue(config: QueueStatsConfig): void {
    this.queues.set(config.queueId, config);
  }

  /** Which tenants an agent serves (for agents-by-state per tenant). */
  setAgentTenants(agentId: string, tenantIds: readonly string[]): void {
    const state = this.agentStates.get(agentId);
    if (state) for (const s of this.agentScopes(agentId)) bump(s.agentsByState, state, -1);
    this.agentTenants.set(agentId, tenantIds);
    if (state) for (const s of this.agentScopes(agentId)) bump(s.agentsByState, state, 1);
  }

  apply(events: readonly RoutingEvent[]): void {
    for (const e of events) this.applyOne(e);
  }

  private applyOne(e: RoutingEvent): void {
    switch (e.type) {
      case 'call.enqueued': {
        const call: TrackedCall = {
          enqueuedAt: e.at,
          tenantId: e.tenantId,
          queueId: e.queueId,
          entries: [],
          scopes: [],
          agentId: undefined,
        };
        this.calls.set(e.callId, call);
        this.startWaiting(e.callId, call);
        break;
      }
      case 'call.assigned': {
        const call = this.calls.get(e.callId);
        if (call) {
          this.stopWaiting(call);
          call.queueId = e.queueId;
          call.agentId = e.agentId;
        }
        break;
      }
      case 'call.requeued': {
        const call = this.calls.get(e.callId);
        if (call) {
          call.agentId = undefined;
          this.startWaiting(e.callId, call);
        }
        break;
      }
      case 'call.overflowed': {
        const call = this.calls.get(e.callId);
        if (call && e.toQueueId !== undefined) {
          this.stopWaiting(call);
          this.count(e.queueId, e.tenantId, undefined, e.at, F.OverflowedOut);
          call.queueId = e.toQueueId;
          this.startWaiting(e.callId, call);
        }
        break;
      }
      case 'call.answered': {
        const t = this.thresholds(e.queueId);
        this.count(e.queueId, e.tenantId, e.agentId, e.at, F.Answered);
        this.count(e.queueId, e.tenantId, e.agentId, e.at, F.WaitAnsweredMs, e.waitMs);
        if (e.waitMs <= t.thresholdMs) this.count(e.queueId, e.tenantId, e.agentId, e.at, F.AnsweredWithin);
        if (e.waitMs === 0) this.count(e.queueId, e.tenantId, e.agentId, e.at, F.AnsweredAtOnce);
        break;
      }
      case 'call.dequeued': {
        const call = this.calls.get(e.callId);
        if (call) this.stopWaiting(call);
        this.calls.delete(e.callId);
        const t = this.thresholds(e.queueId);
        if (e.reason === 'abandoned') {
          this.count(e.queueId, e.tenantId, undefined, e.at, F.Abandoned);
          if (e.waitMs <= t.shortAbandonMs)
            this.count(e.queueId, e.tenantId, undefined, e.at, F.AbandonedShort);
        } else if (e.reason === 'max_wait') {
          this.count(e.queueId, e.tenantId, undefined, e.at, F.TimedOut);
        }
        break;
      }
      case 'call.ended':
        this.calls.delete(e.callId);
        this.count(e.queueId, e.tenantId, e.agentId, e.at, F.Handled);
        this.count(e.queueId, e.tenantId, e.agentId, e.at, F.TalkMs, e.talkMs);
        break;
      case 'agent.state_changed':
        this.agentChanged(e);
        break;
    }
  }

  private agentChanged(e: Extract<RoutingEvent, { type: 'agent.state_changed' }>): void {
    const previous = this.agentStates.get(e.agentId);
    const scopes = this.agentScopes(e.agentId);
    if (previous) for (const s of scopes) bump(s.agentsByState, previous, -1);
    for (const s of scopes) bump(s.agentsByState, e.to, 1);
    this.agentStates.set(e.agentId, e.to);
    const field = BUSY_STATES.has(e.from) ? F.BusyMs : e.from === 'available' ? F.AvailableMs : undefined;
    if (field !== undefined && e.durationMs > 0) {
      this.addTo(`a:${e.agentId}`, 'UTC', e.at, field, e.durationMs);
      this.addTo('*', 'UTC', e.at, field, e.durationMs);
    }
    if (e.from === 'wrap_up' && e.queueId !== undefined && e.tenantId !== undefined) {
      this.count(e.queueId, e.tenantId, e.agentId, e.at, F.WrapMs, e.durationMs);
    }
  }

  // ---------------------------------------------------------------- queries

  queueStats(queueId: string, now: number, window: WindowName): WindowStats {
    return summarize(this.scopes.get(`q:${queueId}`), now, window);
  }

  tenantStats(tenantId: string, now: number, window: WindowName): WindowStats {
    return summarize(this.scopes.get(`t:${tenantId}`), now, window);
  }

  agentStats(agentId: string, now: number, window: WindowName): WindowStats {
    return summarize(this.scopes.get(`a:${agentId}`), now, window);
  }

  overallStats(now: number, window: WindowName): WindowStats {
    return summarize(this.scopes.get('*'), now, window);
  }

  queueLive(queueId: string, now: number): LiveStats {
    return live(this.scopes.get(`q:${queueId}`), now);
  }

  tenantLive(tenantId: string, now: number): LiveStats {
    return live(this.scopes.get(`t:${tenantId}`), now);
  }

  overallLive(now: number): LiveStats {
    return live(this.scopes.get('*'), now);
  }

  // ---------------------------------------------------------------- helpers

  private startWaiting(callId: string, call: TrackedCall): void {
    const scopes = [
      this.scope(`q:${call.queueId}`, call.tenantId),
      this.scope(`t:${call.tenantId}`, call.tenantId),
      this.scope('*', 'UTC'),
    ];
    call.scopes = scopes;
    call.entries = scopes.map((s) => {
      const entry: WaitingEntry = { callId, enqueuedAt: call.enqueuedAt, heapPos: -1 };
      s.waiting.push(entry);
      return entry;
    });
  }

  private stopWaiting(call: TrackedCall): void {
    call.entries.forEach((entry, i) => {
      const s = call.scopes[i];
      if (s?.waiting.has(entry)) s.waiting.remove(entry);
    });
    call.entries = [];
    call.scopes = [];
  }

  private count(
    queueId: string,
    tenantId: string,
    agentId: string | undefined,
    at: number,
    field: F,
    value = 1,
  ): void {
    this.addTo(`q:${queueId}`, tenantId, at, field, value);
    this.addTo(`t:${tenantId}`, tenantId, at, field, value);
    this.addTo('*', 'UTC', at, field, value);
    if (agentId !== undefined) this.addTo(`a:${agentId}`, 'UTC', at, field, value);
  }

  private addTo(key: string, tenantId: string, at: number, field: F, value: number): void {
    this.scope(key, tenantId).counters.add(at, field, value);
    this.changed.set(key, tenantId);
  }

  // ---------------------------------------------------------------- persistence (takeover)

  /** The counters of every scope changed since the previous call. */
  changedCounters(): ScopeCounters[] {
    const out: ScopeCounters[] = [];
    for (const [scope, tenantId] of this.changed) {
      const counters = this.scopes.get(scope)?.counters.snapshot();
      if (counters) out.push({ scope, tenantId, counters });
    }
    this.changed.clear();
    return out;
  }

  /** Loads persisted counters (a new router, before it routes); live figures are left alone. */
  restoreCounters(entries: Iterable<ScopeCounters>): void {
    for (const e of entries) this.scope(e.scope, e.tenantId).counters.load(e.counters);
  }

  private agentScopes(agentId: string): Scope[] {
    return [
      this.scope('*', 'UTC'),
      ...(this.agentTenants.get(agentId) ?? []).map((t) => this.scope(`t:${t}`, t)),
    ];
  }

  private thresholds(queueId: string): { thresholdMs: number; shortAbandonMs: number } {
    const q = this.queues.get(queueId);
    const thresholdSec = q?.thresholdSec ?? 20;
    return { thresholdMs: thresholdSec * 1000, shortAbandonMs: (q?.shortAbandonSec ?? thresholdSec) * 1000 };
  }

  /** Scopes are created on first use: only queues, tenants and agents with traffic cost memory. */
  private scope(key: string, tenantId: string): Scope {
    let s = this.scopes.get(key);
    if (!s) {
      const zone = tenantId === 'UTC' ? 'UTC' : (this.options.tenantTimeZone?.(tenantId) ?? 'UTC');
      let midnight = this.midnightByZone.get(zone);
      if (!midnight) {
        midnight = nextMidnightIn(zone);
        this.midnightByZone.set(zone, midnight);
      }
      s = new Scope(midnight);
      this.scopes.set(key, s);
    }
    return s;
  }
}

function bump(map: Map<AgentState, number>, state: AgentState, delta: number): void {
  map.set(state, (map.get(state) ?? 0) + delta);
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function summarize(scope: Scope | undefined, now: number, window: WindowName): WindowStats {
  const c = scope ? scope.counters.read(now, window) : new Float64Array(F.Count);
  const v = (f: F) => c[f] ?? 0;
  const answered = v(F.Answered);
  const abandoned = v(F.Abandoned);
  const timedOut = v(F.TimedOut);
  const resolved = answered + abandoned + timedOut;
  return {
    answered,
    abandoned,
    timedOut,
    overflowedOut: v(F.OverflowedOut),
    sl: ratio(v(F.AnsweredWithin), resolved),
    slExcludingShortAbandons: ratio(v(F.AnsweredWithin), resolved - v(F.AbandonedShort)),
    slOfAnswered: ratio(v(F.AnsweredWithin), answered),
    slAbandonsWithinMet: ratio(v(F.AnsweredWithin) + v(F.AbandonedShort), resolved),
    answeredAtOnce: ratio(v(F.AnsweredAtOnce), answered),
    asaSec: answered > 0 ? v(F.WaitAnsweredMs) / answered / 1000 : null,
    abandonRate: ratio(abandoned, resolved),
    ahtSec: v(F.Handled) > 0 ? (v(F.TalkMs) + v(F.WrapMs)) / v(F.Handled) / 1000 : null,
    occupancy: ratio(v(F.BusyMs), v(F.BusyMs) + v(F.AvailableMs)),
  };
}

function live(scope: Scope | undefined, now: number): LiveStats {
  const agentsByState = Object.fromEntries(
    ALL_STATES.map((s) => [s, scope?.agentsByState.get(s) ?? 0]),
  ) as Record<AgentState, number>;
  const oldest = scope?.waiting.peek();
  return {
    waiting: scope?.waiting.size ?? 0,
    longestWaitSec: oldest ? (now - oldest.enqueuedAt) / 1000 : 0,
    agentsByState,
  };
}
