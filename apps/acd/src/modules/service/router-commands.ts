import { AppError, ErrorKind } from '@cc/platform';
import type { FieldViolation } from '@cc/contracts';
import type { ConfigChange } from '../configuration/configuration.types';
import type {
  AgentStatusView,
  AssignmentMessage,
  AssignmentRef,
  EnqueueRequest,
  QueueStatsView,
  RouterCore,
} from '../router/router.core';

/**
 * What a replica asks the router (itself, or the lease holder over NATS request/reply). Plain data:
 * it crosses the wire as JSON.
 */
export type RouterCommand =
  | { readonly op: 'enqueue'; readonly tenantId: string; readonly request: EnqueueRequest }
  | {
      readonly op: 'cancel';
      readonly tenantId: string;
      readonly callId: string;
      readonly reason: 'abandoned' | 'cancelled';
    }
  | {
      readonly op: 'setAgentState';
      readonly agentId: string;
      readonly state: 'logged_out' | 'available' | 'not_ready';
      readonly reason: string | undefined;
      readonly expectedVersion: number;
    }
  | { readonly op: 'agentStatus'; readonly agentId: string }
  | {
      readonly op: 'queueStats';
      readonly tenantId: string;
      readonly queueIds: readonly string[];
      readonly window: 'last15m' | 'today';
    }
  | { readonly op: 'acknowledge'; readonly tenantId: string; readonly ref: AssignmentRef }
  | {
      readonly op: 'reject';
      readonly tenantId: string;
      readonly ref: AssignmentRef;
      readonly result: 'no_answer' | 'busy';
    }
  | { readonly op: 'startWrapUp'; readonly tenantId: string; readonly ref: AssignmentRef }
  | {
      readonly op: 'complete';
      readonly tenantId: string;
      readonly ref: AssignmentRef;
      readonly next: { state: 'available' } | { state: 'not_ready'; reason: string };
    }
  | { readonly op: 'pendingAssignments'; readonly nodeId: string }
  | { readonly op: 'config'; readonly change: ConfigChange };

export interface RouterResults {
  enqueue: { position: number; expectedWaitSeconds: number; alreadyQueued: boolean };
  cancel: { wasQueued: boolean; revokedAssignmentId: string };
  setAgentState: AgentStatusView;
  agentStatus: AgentStatusView;
  queueStats: QueueStatsView[];
  acknowledge: AgentStatusView;
  reject: { requeued: boolean; agent: AgentStatusView };
  startWrapUp: { wrapUpUntil: number; agent: AgentStatusView };
  complete: AgentStatusView;
  pendingAssignments: AssignmentMessage[];
  config: null;
}

export type CommandOf<K extends RouterCommand['op']> = Extract<RouterCommand, { op: K }>;

/** Runs one command on the active router (configuration changes are the host's: see RouterHost). */
export async function dispatch(
  core: RouterCore,
  command: Exclude<RouterCommand, { op: 'config' }>,
): Promise<unknown> {
  switch (command.op) {
    case 'enqueue':
      return core.enqueue(command.tenantId, command.request);
    case 'cancel':
      return core.cancel(command.tenantId, command.callId, command.reason);
    case 'setAgentState':
      return core.setAgentState(command.agentId, command.state, command.reason, command.expectedVersion);
    case 'agentStatus':
      return core.agentStatus(command.agentId);
    case 'queueStats':
      return core.queueStats(command.tenantId, command.queueIds, command.window);
    case 'acknowledge':
      return core.acknowledge(command.tenantId, command.ref);
    case 'reject':
      return core.reject(command.tenantId, command.ref, command.result);
    case 'startWrapUp':
      return core.startWrapUp(command.tenantId, command.ref);
    case 'complete':
      return core.complete(command.tenantId, command.ref, command.next);
    case 'pendingAssignments':
      return core.pendingAssignments(command.nodeId);
  }
}

/** An answer on the wire: the result, or the AppError to rebuild on the asking replica. */
export type WireReply =
  | { readonly ok: true; readonly result: unknown }
  | {
      readonly ok: false;
      readonly error: {
        kind: ErrorKind;
        message: string;
        code?: string | undefined;
        violations: FieldViolation[];
        retryAfterSeconds?: number | undefined;
      };
    };

export function errorReply(error: unknown): WireReply {
  if (error instanceof AppError) {
    return {
      ok: false,
      error: {
        kind: error.kind,
        message: error.message,
        code: error.code,
        violations: error.violations,
        retryAfterSeconds: error.retryAfterSeconds,
      },
    };
  }
  // Unexpected errors keep their details in the router's log, never on the wire.
  return { ok: false, error: { kind: ErrorKind.Internal, message: 'internal error', violations: [] } };
}

export function errorFromReply(reply: Extract<WireReply, { ok: false }>): AppError {
  const e = reply.error;
  return new AppError(e.kind, e.message, {
    violations: e.violations,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
  });
}
