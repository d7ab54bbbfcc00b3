import { AcdV1, toTimestamp } from '@cc/contracts';
import type { AgentState } from '../modules/routing/routing.types';
import type { OverflowRule } from '../modules/routing/routing.types';
import type {
  AgentDefinition,
  QueueDefinition,
  QueueRules,
} from '../modules/configuration/configuration.types';
import type {
  AgentStatusView,
  AssignmentMessage,
  QueueStatsView,
  RevokedMessage,
} from '../modules/router/router.core';
import type { z } from 'zod';
import type { UpsertQueueSchema } from './acd.schemas';

const STATE_TO_PROTO: Record<AgentState, AcdV1.AgentState> = {
  logged_out: AcdV1.AgentState.AGENT_STATE_LOGGED_OUT,
  available: AcdV1.AgentState.AGENT_STATE_AVAILABLE,
  reserved: AcdV1.AgentState.AGENT_STATE_RESERVED,
  ringing: AcdV1.AgentState.AGENT_STATE_RINGING,
  on_call: AcdV1.AgentState.AGENT_STATE_ON_CALL,
  wrap_up: AcdV1.AgentState.AGENT_STATE_WRAP_UP,
  not_ready: AcdV1.AgentState.AGENT_STATE_NOT_READY,
};

export function agentStateToProto(state: AgentState): AcdV1.AgentState {
  return STATE_TO_PROTO[state];
}

/** An agent's status as one tenant may see it: the call of another tenant is not named. */
export function agentStatusToProto(
  view: AgentStatusView,
  viewerTenantId: string | undefined,
): AcdV1.AgentStatus {
  const ownCall = viewerTenantId === undefined || view.tenantId === viewerTenantId;
  return {
    agentId: view.agentId,
    state: agentStateToProto(view.state),
    reasonCode: view.reason ?? '',
    since: toTimestamp(view.since),
    callId: ownCall ? (view.callId ?? '') : '',
    version: view.version,
  };
}

export function queueStatsToProto(
  view: QueueStatsView,
  window: AcdV1.StatsWindow,
  now: number,
): AcdV1.QueueStats {
  const w = view.window;
  const offered = w.answered + w.abandoned + w.timedOut;
  return {
    queueId: view.queueId,
    window,
    waitingCalls: view.live.waiting,
    longestWaitSeconds: Math.round(view.live.longestWaitSec),
    offered,
    answered: w.answered,
    abandoned: w.abandoned,
    serviceLevel: w.sl ?? 0,
    serviceLevelThresholdSeconds: view.thresholdSec,
    serviceLevelExcludingShortAbandons: w.slExcludingShortAbandons ?? 0,
    asaSeconds: w.asaSec ?? 0,
    ahtSeconds: w.ahtSec ?? 0,
    abandonmentRate: w.abandonRate ?? 0,
    occupancy: w.occupancy ?? 0,
    agentsByState: Object.entries(view.live.agentsByState)
      .filter(([, count]) => count > 0)
      .map(([state, count]) => ({ state: agentStateToProto(state as AgentState), count })),
    computedAt: toTimestamp(now),
  };
}

export function assignmentToProto(m: AssignmentMessage): AcdV1.Assignment {
  return {
    assignmentId: m.assignmentId,
    tenantId: m.tenantId,
    callId: m.callId,
    queueId: m.queueId,
    agentId: m.agentId,
    agentEndpoint: m.agentEndpoint,
    fencingToken: m.fencingToken,
    ringTimeoutSeconds: Math.ceil(m.ringTimeoutMs / 1000),
    reservedAt: toTimestamp(m.reservedAt),
    ...(m.caller ? { caller: { e164: m.caller.e164, raw: m.caller.e164, extension: '' } } : {}),
  };
}

export function revokedToProto(m: RevokedMessage): AcdV1.AssignmentRevoked {
  return { ...m };
}

type QueueInput = z.output<typeof UpsertQueueSchema>['queue'];

function overflowOf(rule: QueueInput['overflow'][number]): OverflowRule {
  const afterMs = rule.afterSeconds * 1000;
  switch (rule.kind as AcdV1.OverflowActionKind) {
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_ADD_SKILLS:
      return { afterMs, action: { kind: 'add_skills', skills: rule.addSkills } };
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE:
      return { afterMs, action: { kind: 'move_to_queue', queueId: rule.targetQueueId } };
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS:
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_UNSPECIFIED:
    case AcdV1.OverflowActionKind.UNRECOGNIZED:
      return {
        afterMs,
        action: {
          kind: 'relax_levels',
          by: rule.relaxBy,
          ...(rule.skillId ? { skillId: rule.skillId } : {}),
        },
      };
  }
}

/** A validated proto Queue -> the rules stored in Postgres and given to the engine. */
export function queueRulesOf(queue: QueueInput): QueueRules {
  return {
    requiredSkills: queue.requiredSkills,
    membersOnly: queue.membersOnly,
    ...(queue.serviceLevelTarget > 0 && queue.serviceLevelThresholdSeconds > 0
      ? {
          serviceLevel: {
            targetFraction: queue.serviceLevelTarget,
            thresholdSec: queue.serviceLevelThresholdSeconds,
          },
        }
      : {}),
    ...(queue.ringTimeoutSeconds > 0 ? { ringTimeoutMs: queue.ringTimeoutSeconds * 1000 } : {}),
    wrapUpMs: queue.wrapUpSeconds * 1000,
    ...(queue.maxWaitSeconds > 0 ? { maxWaitMs: queue.maxWaitSeconds * 1000 } : {}),
    overflow: queue.overflow.map(overflowOf),
    agentSelection:
      queue.agentSelection === (AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED as number)
        ? 'most_skilled'
        : 'longest_idle',
    openingHours: queue.openingHours,
  };
}

function overflowToProto(rule: OverflowRule): AcdV1.OverflowRule {
  const base = {
    afterSeconds: Math.round(rule.afterMs / 1000),
    relaxBy: 0,
    skillId: '',
    addSkills: [] as AcdV1.SkillRequirement[],
    targetQueueId: '',
  };
  switch (rule.action.kind) {
    case 'relax_levels':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS,
        relaxBy: rule.action.by,
        skillId: rule.action.skillId ?? '',
      };
    case 'add_skills':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_ADD_SKILLS,
        addSkills: rule.action.skills.map((s) => ({ skillId: s.skillId, minLevel: s.minLevel })),
      };
    case 'move_to_queue':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE,
        targetQueueId: rule.action.queueId,
      };
  }
}

/** A stored queue -> the proto Queue it was written from (the inverse of queueRulesOf). */
export function queueToProto(queue: QueueDefinition): AcdV1.QueueConfiguration {
  const r = queue.rules;
  return {
    version: queue.version,
    queue: {
      queueId: queue.queueId,
      name: queue.name,
      requiredSkills: r.requiredSkills.map((s) => ({ skillId: s.skillId, minLevel: s.minLevel })),
      membersOnly: r.membersOnly,
      priority: queue.priority,
      serviceLevelTarget: r.serviceLevel?.targetFraction ?? 0,
      serviceLevelThresholdSeconds: r.serviceLevel?.thresholdSec ?? 0,
      ringTimeoutSeconds: r.ringTimeoutMs !== undefined ? Math.round(r.ringTimeoutMs / 1000) : 0,
      wrapUpSeconds: Math.round((r.wrapUpMs ?? 0) / 1000),
      maxWaitSeconds: r.maxWaitMs !== undefined ? Math.round(r.maxWaitMs / 1000) : 0,
      overflow: r.overflow.map(overflowToProto),
      agentSelection:
        r.agentSelection === 'most_skilled'
          ? AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED
          : AcdV1.AgentSelection.AGENT_SELECTION_LONGEST_IDLE,
      openingHours: r.openingHours.map((o) => ({ ...o })),
    },
  };
}

/** An agent as `viewerTenantId` may see it (undefined = the operator: endpoint included). */
export function agentToProto(
  agent: AgentDefinition,
  status: AgentStatusView | undefined,
  viewerTenantId: string | undefined,
): AcdV1.AgentSummary {
  return {
    agentId: agent.agentId,
    displayName: agent.displayName,
    endpoint: viewerTenantId === undefined ? agent.endpoint : '',
    qualityScore: agent.qualityScore,
    profiles: agent.profiles
      .filter((p) => viewerTenantId === undefined || p.tenantId === viewerTenantId)
      .map((p) => ({
        tenantId: p.tenantId,
        skills: Object.entries(p.skills)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([skillId, level]) => ({ skillId, level })),
        queueIds: [...p.queueIds],
      })),
    ...(status ? { status: agentStatusToProto(status, viewerTenantId) } : {}),
  };
}
