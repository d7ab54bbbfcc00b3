import type { AgentState, SkillRequirement } from '../routing/routing.types';
import { keyToken } from '../coordination/state-store';

/** A call as persisted in KV: enough for another router to take it over. */
export interface CallRecord {
  readonly tenantId: string;
  readonly callId: string;
  queueId: string;
  readonly priority: number;
  readonly vip: boolean;
  readonly skills: readonly SkillRequirement[];
  readonly nodeId: string;
  readonly caller?: { e164: string } | undefined;
  readonly enqueuedAt: number;
  /**
   * `ended`: a tombstone kept for a while after the call left acd (answered and ended, or dequeued),
   * so that an EnqueueCall retried after the end is recognised instead of routing the call again.
   */
  state: 'waiting' | 'offered' | 'connected' | 'ended';
  endedAt?: number | undefined;
  agentId?: string | undefined;
  /** The revision of the agent record that won the reservation. */
  token?: number | undefined;
  offeredAt?: number | undefined;
  /**
   * Set on an `ended` record a takeover created to claim the key of a call it found reserved but not
   * written (so that the previous router's create fails): not a call, no tombstone.
   */
  claimed?: true | undefined;
}

/** An agent's live state in KV; `token`/`callId` name its current assignment while it has one. */
export interface AgentRecord {
  readonly agentId: string;
  state: AgentState;
  reason?: string | undefined;
  since: number;
  tenantId?: string | undefined;
  callId?: string | undefined;
  queueId?: string | undefined;
  token?: number | undefined;
}

export const CALL_PREFIX = 'call.';
export const AGENT_PREFIX = 'agent.';

export function callKey(tenantId: string, callId: string): string {
  return `${CALL_PREFIX}${tenantId}.${keyToken(callId)}`;
}

export function agentKey(agentId: string): string {
  return `${AGENT_PREFIX}${keyToken(agentId)}`;
}

export function assignmentId(agentId: string, token: number): string {
  return `${agentId}:${token}`;
}
