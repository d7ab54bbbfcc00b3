import { AcdV1, type AgentState, fromTimestamp } from '@cc/contracts';
import type { CreateQueue, OverflowRuleInput, QueueStatsView, QueueView, StatsWindow } from './queue.schema';

const STATE: Record<AcdV1.AgentState, AgentState | undefined> = {
  [AcdV1.AgentState.AGENT_STATE_UNSPECIFIED]: undefined,
  [AcdV1.AgentState.UNRECOGNIZED]: undefined,
  [AcdV1.AgentState.AGENT_STATE_LOGGED_OUT]: 'logged_out',
  [AcdV1.AgentState.AGENT_STATE_AVAILABLE]: 'available',
  [AcdV1.AgentState.AGENT_STATE_RESERVED]: 'reserved',
  [AcdV1.AgentState.AGENT_STATE_RINGING]: 'ringing',
  [AcdV1.AgentState.AGENT_STATE_ON_CALL]: 'on_call',
  [AcdV1.AgentState.AGENT_STATE_WRAP_UP]: 'wrap_up',
  [AcdV1.AgentState.AGENT_STATE_NOT_READY]: 'not_ready',
};

export function agentStateName(state: AcdV1.AgentState): AgentState | undefined {
  return STATE[state];
}

export function windowToProto(window: StatsWindow): AcdV1.StatsWindow {
  return window === 'today'
    ? AcdV1.StatsWindow.STATS_WINDOW_TODAY
    : AcdV1.StatsWindow.STATS_WINDOW_LAST_15_MINUTES;
}

function overflowToProto(rule: OverflowRuleInput): AcdV1.OverflowRule {
  const base = { afterSeconds: rule.afterSeconds, relaxBy: 0, skillId: '', addSkills: [], targetQueueId: '' };
  switch (rule.action) {
    case 'relax_levels':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS,
        relaxBy: rule.relaxBy,
        skillId: rule.skillId ?? '',
      };
    case 'add_skills':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_ADD_SKILLS,
        addSkills: rule.skills,
      };
    case 'move_to_queue':
      return {
        ...base,
        kind: AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE,
        targetQueueId: rule.queueId,
      };
  }
}

function overflowOf(rule: AcdV1.OverflowRule): OverflowRuleInput {
  switch (rule.kind) {
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_ADD_SKILLS:
      return { afterSeconds: rule.afterSeconds, action: 'add_skills', skills: rule.addSkills };
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_MOVE_TO_QUEUE:
      return { afterSeconds: rule.afterSeconds, action: 'move_to_queue', queueId: rule.targetQueueId };
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_RELAX_LEVELS:
    case AcdV1.OverflowActionKind.OVERFLOW_ACTION_KIND_UNSPECIFIED:
    case AcdV1.OverflowActionKind.UNRECOGNIZED:
      return {
        afterSeconds: rule.afterSeconds,
        action: 'relax_levels',
        relaxBy: rule.relaxBy,
        ...(rule.skillId ? { skillId: rule.skillId } : {}),
      };
  }
}

/** The API's queue -> acd's Queue message. */
export function queueToProto(q: CreateQueue): AcdV1.Queue {
  return {
    queueId: q.id,
    name: q.name,
    requiredSkills: q.requiredSkills,
    membersOnly: q.membersOnly,
    priority: q.priority,
    serviceLevelTarget: q.serviceLevel?.target ?? 0,
    serviceLevelThresholdSeconds: q.serviceLevel?.thresholdSeconds ?? 0,
    ringTimeoutSeconds: q.ringTimeoutSeconds,
    wrapUpSeconds: q.wrapUpSeconds,
    maxWaitSeconds: q.maxWaitSeconds,
    overflow: q.overflow.map(overflowToProto),
    agentSelection:
      q.agentSelection === 'most_skilled'
        ? AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED
        : AcdV1.AgentSelection.AGENT_SELECTION_LONGEST_IDLE,
    openingHours: q.openingHours,
  };
}

/** acd's stored queue -> the API's view (the inverse of queueToProto). */
export function queueView(c: AcdV1.QueueConfiguration): QueueView {
  const q = c.queue;
  if (!q) throw new Error('acd answered a queue configuration without its queue');
  return {
    id: q.queueId,
    name: q.name,
    requiredSkills: q.requiredSkills.map((s) => ({ skillId: s.skillId, minLevel: s.minLevel })),
    membersOnly: q.membersOnly,
    priority: q.priority,
    serviceLevel:
      q.serviceLevelTarget > 0 && q.serviceLevelThresholdSeconds > 0
        ? { target: q.serviceLevelTarget, thresholdSeconds: q.serviceLevelThresholdSeconds }
        : null,
    ringTimeoutSeconds: q.ringTimeoutSeconds,
    wrapUpSeconds: q.wrapUpSeconds,
    maxWaitSeconds: q.maxWaitSeconds,
    overflow: q.overflow.map(overflowOf),
    agentSelection:
      q.agentSelection === AcdV1.AgentSelection.AGENT_SELECTION_MOST_SKILLED
        ? 'most_skilled'
        : 'longest_idle',
    openingHours: q.openingHours.map((o) => ({
      weekday: o.weekday,
      startMinute: o.startMinute,
      endMinute: o.endMinute,
    })),
    version: c.version,
  };
}

/** The view back as the input it is (PATCH merges a change into it). */
export function queueInputOf(view: QueueView): CreateQueue {
  const { version: _version, ...rest } = view;
  return { ...rest, overflow: rest.overflow as OverflowRuleInput[] };
}

export function queueStatsView(s: AcdV1.QueueStats): QueueStatsView {
  const agentsByState: Partial<Record<AgentState, number>> = {};
  for (const entry of s.agentsByState) {
    const name = agentStateName(entry.state);
    if (name) agentsByState[name] = entry.count;
  }
  return {
    queueId: s.queueId,
    window: s.window === AcdV1.StatsWindow.STATS_WINDOW_TODAY ? 'today' : 'last15m',
    waitingCalls: s.waitingCalls,
    longestWaitSeconds: s.longestWaitSeconds,
    offered: s.offered,
    answered: s.answered,
    abandoned: s.abandoned,
    serviceLevel: s.serviceLevel,
    serviceLevelThresholdSeconds: s.serviceLevelThresholdSeconds,
    serviceLevelExcludingShortAbandons: s.serviceLevelExcludingShortAbandons,
    asaSeconds: s.asaSeconds,
    ahtSeconds: s.ahtSeconds,
    abandonmentRate: s.abandonmentRate,
    occupancy: s.occupancy,
    agentsByState,
    computedAt: (fromTimestamp(s.computedAt) ?? new Date()).toISOString(),
  };
}
