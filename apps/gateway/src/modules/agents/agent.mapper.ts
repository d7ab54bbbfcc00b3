import { type AcdV1, fromTimestamp } from '@cc/contracts';
import { agentStateName } from '../queues/queue.mapper';
import type { AgentView, PoolAgentView } from './agent.schema';

function statusView(status: AcdV1.AgentStatus | undefined): AgentView['status'] {
  const state = status ? agentStateName(status.state) : undefined;
  if (!status || !state) return null;
  return {
    state,
    reasonCode: status.reasonCode || null,
    since: fromTimestamp(status.since)?.toISOString() ?? null,
    callId: status.callId || null,
  };
}

/** acd answers a tenant only that tenant's profile. */
export function agentView(a: AcdV1.AgentSummary): AgentView {
  const profile = a.profiles[0];
  return {
    id: a.agentId,
    displayName: a.displayName,
    skills: (profile?.skills ?? []).map((s) => ({ skillId: s.skillId, level: s.level })),
    queueIds: [...(profile?.queueIds ?? [])],
    status: statusView(a.status),
  };
}

export function poolAgentView(a: AcdV1.AgentSummary): PoolAgentView {
  return {
    id: a.agentId,
    displayName: a.displayName,
    endpoint: a.endpoint,
    qualityScore: a.qualityScore,
    profiles: a.profiles.map((p) => ({
      tenantId: p.tenantId,
      skills: p.skills.map((s) => ({ skillId: s.skillId, level: s.level })),
      queueIds: [...p.queueIds],
    })),
    status: statusView(a.status),
  };
}
