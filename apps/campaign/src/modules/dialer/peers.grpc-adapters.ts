import { AcdV1, CrmV1, TelephonyV1 } from '@cc/contracts';
import { createGrpcClient, type GrpcClient } from '@cc/platform';
import type { AgentView } from '../pacing/pacing.types';
import { AgentAvailabilityPort, DoNotCallPort, OriginatePort, type OriginateCommand } from './peers.port';

/**
 * The queue's agents from acd's real-time statistics (agents by state). acd does not say how long
 * each agent has talked, so an agent on a call is seen as just connected: with (near) exponential
 * talk times the residual time does not depend on it, and otherwise this errs on the side of
 * dialing less. Agents in wrap-up are seen at its start for the same reason.
 */
export class AcdAvailabilityAdapter extends AgentAvailabilityPort {
  private readonly client: GrpcClient<typeof AcdV1.AcdServiceService>;

  constructor(address: string, deadlineMs = 500) {
    super();
    this.client = createGrpcClient(AcdV1.AcdServiceService, {
      address,
      defaultDeadlineMs: deadlineMs,
      actor: 'campaign',
    });
  }

  async agentsOf(tenantId: string, queueId: string): Promise<AgentView[]> {
    const response = await this.client.getQueueStats(
      { queueIds: [queueId], window: AcdV1.StatsWindow.STATS_WINDOW_LAST_15_MINUTES },
      { tenantId },
    );
    const stats = response.queues.find((q) => q.queueId === queueId);
    const agents: AgentView[] = [];
    for (const { state, count } of stats?.agentsByState ?? []) {
      for (let i = 0; i < count; i++) {
        switch (state) {
          case AcdV1.AgentState.AGENT_STATE_AVAILABLE:
            agents.push({ state: 'available' });
            break;
          case AcdV1.AgentState.AGENT_STATE_RESERVED:
          case AcdV1.AgentState.AGENT_STATE_RINGING:
          case AcdV1.AgentState.AGENT_STATE_ON_CALL:
            agents.push({ state: 'on_call', elapsedSec: 0 });
            break;
          case AcdV1.AgentState.AGENT_STATE_WRAP_UP:
            agents.push({ state: 'wrap_up', elapsedSec: 0 });
            break;
          case AcdV1.AgentState.AGENT_STATE_NOT_READY:
          case AcdV1.AgentState.AGENT_STATE_LOGGED_OUT:
          case AcdV1.AgentState.AGENT_STATE_UNSPECIFIED:
          case AcdV1.AgentState.UNRECOGNIZED:
            // They take no calls.
            break;
        }
      }
    }
    return agents;
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}

export class CrmDoNotCallAdapter extends DoNotCallPort {
  private readonly client: GrpcClient<typeof CrmV1.CrmServiceService>;

  constructor(address: string, deadlineMs = 1000) {
    super();
    this.client = createGrpcClient(CrmV1.CrmServiceService, {
      address,
      defaultDeadlineMs: deadlineMs,
      actor: 'campaign',
    });
  }

  async blocked(tenantId: string, numbers: readonly string[], campaignId: string): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const response = await this.client.checkDoNotCall(
      { phoneNumbers: [...numbers], defaultCountry: '', campaignId },
      { tenantId },
    );
    const blocked = new Set<string>();
    const answered = new Set<string>();
    for (const r of response.results) {
      answered.add(r.phoneNumber);
      if (r.blocked || r.invalidNumber) blocked.add(r.phoneNumber);
    }
    // A number crm did not answer for is not known to be callable: blocked.
    for (const n of numbers) if (!answered.has(n)) blocked.add(n);
    return blocked;
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}

export class TelephonyOriginateAdapter extends OriginatePort {
  private readonly client: GrpcClient<typeof TelephonyV1.TelephonyServiceService>;

  constructor(address: string, deadlineMs = 3000) {
    super();
    this.client = createGrpcClient(TelephonyV1.TelephonyServiceService, {
      address,
      defaultDeadlineMs: deadlineMs,
      actor: 'campaign',
    });
  }

  async originate(tenantId: string, c: OriginateCommand): Promise<{ callId: string }> {
    const response = await this.client.originateCall(
      {
        requestId: c.attemptId,
        campaignId: c.campaignId,
        contactId: c.contactId,
        destination: c.destination,
        callerId: c.callerId,
        trunkId: c.trunkId ?? '',
        ringTimeoutSeconds: c.ringTimeoutSeconds,
        variables: { CC_ATTEMPT_ID: c.attemptId },
        agentId: c.agentId ?? '',
        fencingToken: 0,
        queueId: c.queueId,
        maxConnectDelayMs: 2000,
      },
      { tenantId },
    );
    return { callId: response.callId };
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
