import type { AgentView } from '../pacing/pacing.types';

/** acd: the agents of a queue as the pacer sees them. */
export abstract class AgentAvailabilityPort {
  abstract agentsOf(tenantId: string, queueId: string): Promise<AgentView[]>;
}

/** crm: which of these numbers may not be called (tenant and operator lists, checked at dial time). */
export abstract class DoNotCallPort {
  /** The numbers (as sent) that are blocked; an unreadable number is blocked too. */
  abstract blocked(tenantId: string, numbers: readonly string[], campaignId: string): Promise<Set<string>>;
}

export interface OriginateCommand {
  readonly attemptId: string;
  readonly campaignId: string;
  readonly contactId: string;
  readonly destination: string;
  readonly callerId: string;
  readonly trunkId: string | null;
  readonly queueId: string;
  readonly ringTimeoutSeconds: number;
  /** The agent acd reserved for this dial (preview); empty = the next available agent of the queue. */
  readonly agentId?: string;
}

/** telephony: place the call. */
export abstract class OriginatePort {
  abstract originate(tenantId: string, command: OriginateCommand): Promise<{ callId: string }>;
}
