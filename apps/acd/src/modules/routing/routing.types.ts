import type { AgentState } from '@cc/contracts';

export type { AgentState };

/** Milliseconds since the epoch, read from an injected clock so that tests and simulations control time. */
export interface Clock {
  now(): number;
}

/** A clock that only moves when told to: for tests and the discrete-event simulator. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    if (ms < this.current) throw new RangeError('a clock never goes back');
    this.current = ms;
  }
  advance(ms: number): void {
    this.set(this.current + ms);
  }
}

export interface TenantConfig {
  readonly tenantId: string;
  /**
   * Fairness weight of this tenant when agents shared by several tenants pick their next call: a
   * waiting call's score grows with weight x waiting time, so every call's score grows without bound
   * and no tenant can starve another; a larger weight only makes a tenant's calls age faster.
   */
  readonly weight?: number;
}

export interface SkillRequirement {
  readonly skillId: string;
  /** 1-10. */
  readonly minLevel: number;
}

export type OverflowAction =
  /** Lower every required level by `by` (floor 1), or only `skillId`'s. */
  | { readonly kind: 'relax_levels'; readonly by: number; readonly skillId?: string }
  /** Also accept agents who have these skills (an alternative to the current requirements). */
  | { readonly kind: 'add_skills'; readonly skills: readonly SkillRequirement[] }
  /** Move the call to another queue of the same tenant; its age (for priority aging) is kept. */
  | { readonly kind: 'move_to_queue'; readonly queueId: string };

export interface OverflowRule {
  /** Applies when the call has waited this long in the current queue. */
  readonly afterMs: number;
  readonly action: OverflowAction;
}

export type AgentSelection = 'longest_idle' | 'most_skilled';

export interface QueueConfig {
  readonly tenantId: string;
  readonly queueId: string;
  /** Skills every call of this queue needs (the call may ask for more). */
  readonly requiredSkills?: readonly SkillRequirement[];
  /**
   * Only agents listed as members of this queue (AgentProfile.queueIds) may take its calls
   * (app_queue's model); combined with requiredSkills when both are given.
   */
  readonly membersOnly?: boolean;
  /** Added to every call's own priority. */
  readonly priority?: number;
  readonly serviceLevel?: { readonly targetFraction: number; readonly thresholdSec: number };
  readonly ringTimeoutMs?: number;
  readonly wrapUpMs?: number;
  /** After this long a call leaves the queue with reason `max_wait` (telephony plays the fallback). */
  readonly maxWaitMs?: number;
  readonly overflow?: readonly OverflowRule[];
  readonly agentSelection?: AgentSelection;
  /** Route VIP callers to the eligible idle agent with the best quality score (default true). */
  readonly vipToBestAgents?: boolean;
}

export interface AgentProfile {
  readonly tenantId: string;
  /** skillId -> level 1..10 within this tenant. */
  readonly skills?: Readonly<Record<string, number>>;
  /** Queues of this tenant the agent is a member of (for `membersOnly` queues). */
  readonly queueIds?: readonly string[];
}

export interface AgentConfig {
  readonly agentId: string;
  /** One profile per tenant the agent serves (agents belong to the operator, tenants share them). */
  readonly profiles: readonly AgentProfile[];
  /** Quality score 0..100 (from QA); used for VIP routing. */
  readonly qualityScore?: number;
}

export interface EnqueueCommand {
  readonly callId: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly skills?: readonly SkillRequirement[];
  /** 0..100, higher first; adds to the queue's priority. */
  readonly priority?: number;
  /** Top value tier. */
  readonly vip?: boolean;
  /**
   * When the call entered the platform (or an earlier router's queue), if before now: its age counts
   * from here for aging, ASA and max wait is still measured from its entry into this router's queue.
   */
  readonly enqueuedAt?: number;
}

/** How a previous router left an agent (takeover after a crash): see RoutingEngine.restoreAgent. */
export interface AgentRestore {
  readonly agentId: string;
  readonly state: 'not_ready' | 'wrap_up' | 'reserved' | 'ringing' | 'on_call';
  readonly reason?: string;
  /** When the state began (clamped to now). */
  readonly since?: number;
  /** The call the agent is reserved for, ringing for or on (reserved/ringing/on_call). */
  readonly call?: EnqueueCommand;
  /** The queue of the call just handled (wrap_up): its wrap-up time applies from `since`. */
  readonly queueId?: string;
}

export type DequeueReason = 'abandoned' | 'cancelled' | 'max_wait';
export type OfferResult = 'ringing' | 'answered' | 'no_answer' | 'busy';

/** Facts the engine emits; every one carries the engine time at which it happened. */
export type RoutingEvent =
  | {
      readonly type: 'call.enqueued';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly priority: number;
    }
  | {
      /** The decision: agent reserved for the call, with the fencing token telephony must present. */
      readonly type: 'call.assigned';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly agentId: string;
      readonly fencingToken: string;
      readonly waitMs: number;
    }
  | {
      readonly type: 'call.answered';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly agentId: string;
      /** From entering the first queue to the answer. */
      readonly waitMs: number;
    }
  | {
      readonly type: 'call.requeued';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly agentId: string;
      readonly reason: 'no_answer' | 'busy' | 'ring_timeout' | 'agent_logged_out';
    }
  | {
      readonly type: 'call.overflowed';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly action: OverflowAction['kind'];
      readonly toQueueId?: string;
    }
  | {
      readonly type: 'call.dequeued';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly reason: DequeueReason;
      readonly waitMs: number;
    }
  | {
      readonly type: 'call.ended';
      readonly at: number;
      readonly callId: string;
      readonly tenantId: string;
      readonly queueId: string;
      readonly agentId: string;
      readonly talkMs: number;
    }
  | {
      readonly type: 'agent.state_changed';
      readonly at: number;
      readonly agentId: string;
      readonly from: AgentState;
      readonly to: AgentState;
      readonly reason?: string;
      /** How long the previous state lasted. */
      readonly durationMs: number;
      readonly callId?: string;
      readonly tenantId?: string;
      readonly queueId?: string;
    };

export type RoutingEventType = RoutingEvent['type'];
