import type { AssignmentRef } from '../acd/acd.port';
import type { RoutingChoice } from '../flows/ivr.runner';
import type { TenantTelephonySettings } from '../entry-points/entry-point.types';

export type CallState = 'ivr' | 'queued' | 'ringing' | 'connected' | 'held' | 'ended';
export type HangupSide = 'caller' | 'agent' | 'system';

export interface AgentLeg extends AssignmentRef {
  channelId: string;
  endpoint: string;
  ringTimeoutSeconds: number;
  startedAt: number;
  answered: boolean;
  /** Set once the leg's outcome was reported to acd (exactly one ack or reject per offer). */
  settled: boolean;
}

/**
 * The state of one call that a successor needs to carry it on (kept in JetStream KV, see
 * call-state.store.ts). Times are epoch ms.
 */
export interface CallSnapshot {
  callId: string;
  tenantId: string;
  channelId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  did: string | undefined;
  flowId: string | undefined;
  campaignId: string | undefined;
  state: CallState;
  startedAt: number;
  queuedAt: number | undefined;
  connectedAt: number | undefined;
  queueId: string | undefined;
  queueAnnounceEverySeconds: number;
  callbackDigit: string | undefined;
  mohClass: string;
  routing: RoutingChoice | undefined;
  customerId: string | undefined;
  valueTier: number;
  agentLeg: AgentLeg | undefined;
  /** The agent the caller is (or was) connected with. */
  agent: AgentLeg | undefined;
  bridgeId: string | undefined;
  recordingName: string | undefined;
  consentPlayed: boolean;
  ringMs: number;
  holdStartedAt: number | undefined;
  holdMs: number;
  holdCount: number;
  transferCount: number;
  settings: TenantTelephonySettings;
}
