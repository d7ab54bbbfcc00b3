import type { AssignmentRef } from '../acd/acd.port';
import type { IvrProgress, RoutingChoice } from '../flows/ivr.runner';
import type { TenantTelephonySettings } from '../entry-points/entry-point.types';

export type CallState =
  /** Outbound: ringing the customer. */
  | 'dialing'
  | 'ivr'
  | 'queued'
  | 'ringing'
  | 'connected'
  | 'held'
  /** Referred to an external number: the customer's channel stays ours until it hangs up. */
  | 'transferred'
  /** Outbound answered with no agent in time: the safe-harbour message plays, then the hang-up. */
  | 'closing'
  | 'ended';
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
  /** Outbound: the longest a live answer waits for an agent before the safe-harbour message. */
  maxConnectDelayMs?: number;
  state: CallState;
  /** While in the IVR: the step the caller is at, so another instance can resume there. */
  ivr?: IvrProgress;
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
  /** Talk time so far (hold excluded) and since when the parties talk now. */
  talkMs: number;
  talkingSince: number | undefined;
  holdStartedAt: number | undefined;
  holdMs: number;
  holdCount: number;
  transferCount: number;
  settings: TenantTelephonySettings;
}
