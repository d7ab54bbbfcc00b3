import { AcdV1, toTimestamp } from '@cc/contracts';
import { AppError, createGrpcClient, ErrorKind, type GrpcClient } from '@cc/platform';
import type { AckResult, AcdPort, AssignmentRef, EnqueueCommand } from './acd.port';

/** acd over gRPC (AcdV1.AcdService). */
export class AcdGrpcAdapter implements AcdPort {
  private readonly client: GrpcClient<typeof AcdV1.AcdServiceService>;

  constructor(address: string, options: { deadlineMs?: number; streamDeadlineMs?: number } = {}) {
    this.client = createGrpcClient(AcdV1.AcdServiceService, {
      address,
      defaultDeadlineMs: options.deadlineMs ?? 2_000,
      defaultStreamDeadlineMs: options.streamDeadlineMs ?? 60_000,
      actor: 'telephony',
    });
  }

  async enqueue(
    tenantId: string,
    c: EnqueueCommand,
  ): Promise<{ position: number; expectedWaitSeconds: number }> {
    const response = await this.client.enqueueCall(
      {
        callId: c.callId,
        queueId: c.queueId,
        requiredSkills: c.skills.map((s) => ({ skillId: s.skillId, minLevel: s.minLevel })),
        priority: c.priority,
        valueTier: c.valueTier,
        caller: {
          e164: c.callerNumber.startsWith('+') ? c.callerNumber : '',
          raw: c.callerNumber,
          extension: '',
        },
        customerId: c.customerId ?? '',
        language: c.language ?? '',
        telephonyNodeId: c.nodeId,
        arrivedAt: toTimestamp(c.arrivedAt),
        direction: c.direction === 'inbound' ? 1 : 2,
        campaignId: c.campaignId ?? '',
      },
      { tenantId },
    );
    return { position: response.position, expectedWaitSeconds: response.expectedWaitSeconds };
  }

  async cancel(tenantId: string, callId: string, reason: AcdV1.CancelReason): Promise<void> {
    await this.client.cancelCall({ callId, reason }, { tenantId });
  }

  async acknowledge(tenantId: string, a: AssignmentRef, answeredAt: Date): Promise<AckResult> {
    try {
      await this.client.acknowledgeAssignment(
        {
          assignmentId: a.assignmentId,
          callId: a.callId,
          agentId: a.agentId,
          fencingToken: a.fencingToken,
          answeredAt: toTimestamp(answeredAt),
        },
        { tenantId },
      );
      return 'acknowledged';
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.FailedPrecondition) return 'stale';
      throw error;
    }
  }

  async reject(tenantId: string, a: AssignmentRef, reason: AcdV1.RejectReason): Promise<void> {
    try {
      await this.client.rejectAssignment(
        {
          assignmentId: a.assignmentId,
          callId: a.callId,
          agentId: a.agentId,
          fencingToken: a.fencingToken,
          reason,
        },
        { tenantId },
      );
    } catch (error) {
      // A stale token: acd already revoked this offer; nothing left to undo.
      if (error instanceof AppError && error.kind === ErrorKind.FailedPrecondition) return;
      throw error;
    }
  }

  async startWrapUp(tenantId: string, a: AssignmentRef, endedAt: Date): Promise<void> {
    try {
      await this.client.startWrapUp(
        { callId: a.callId, agentId: a.agentId, fencingToken: a.fencingToken, endedAt: toTimestamp(endedAt) },
        { tenantId },
      );
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.FailedPrecondition) return;
      throw error;
    }
  }

  watchAssignments(nodeId: string, signal: AbortSignal): AsyncIterable<AcdV1.WatchAssignmentsResponse> {
    return this.client.watchAssignments({ telephonyNodeId: nodeId }, { signal });
  }

  close(): void {
    this.client.close();
  }
}
