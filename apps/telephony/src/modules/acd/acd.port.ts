import type { AcdV1 } from '@cc/contracts';

export const ACD_PORT = Symbol('ACD_PORT');

export interface EnqueueCommand {
  callId: string;
  queueId: string;
  skills: { skillId: string; minLevel: number }[];
  priority: number;
  valueTier: number;
  callerNumber: string;
  customerId: string | undefined;
  language: string | undefined;
  nodeId: string;
  arrivedAt: Date;
  direction: 'inbound' | 'outbound';
  campaignId: string | undefined;
}

export interface AssignmentRef {
  assignmentId: string;
  callId: string;
  agentId: string;
  fencingToken: number;
}

export type AckResult = 'acknowledged' | 'stale';

/**
 * What telephony needs from acd, as a port so the call engine tests against a fake and the
 * transport (gRPC) stays in one adapter. Every method acts for the tenant given first.
 */
export interface AcdPort {
  enqueue(
    tenantId: string,
    command: EnqueueCommand,
  ): Promise<{ position: number; expectedWaitSeconds: number }>;
  cancel(tenantId: string, callId: string, reason: AcdV1.CancelReason): Promise<void>;
  acknowledge(tenantId: string, assignment: AssignmentRef, answeredAt: Date): Promise<AckResult>;
  reject(tenantId: string, assignment: AssignmentRef, reason: AcdV1.RejectReason): Promise<void>;
  startWrapUp(tenantId: string, assignment: AssignmentRef, endedAt: Date): Promise<void>;
  /** The node's assignment stream; ends at its deadline (the caller re-opens it) or on abort. */
  watchAssignments(nodeId: string, signal: AbortSignal): AsyncIterable<AcdV1.WatchAssignmentsResponse>;
}
