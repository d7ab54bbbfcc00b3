import { callIdForChannel } from '@cc/contracts';
import {
  classifyCall,
  type CallPlan,
  type CallResult,
  doubleBookedAgents,
  kpisOf,
  type SimOutcome,
} from './kpi';
import type { WorldSpec } from './scenario';

export interface QueueReport {
  id: string;
  name: string;
  offered: number;
  answered: number;
  abandoned: number;
  failed: number;
  sl20: number;
  asa: number;
  abandonRate: number;
}

export interface TenantReport extends QueueReport {
  queues: QueueReport[];
}

export interface RunReport {
  tenants: TenantReport[];
  agentsDoubleBooked: number;
  callsAnsweredAndAbandoned: number;
  /** Callers still in the system when the run ended (not counted above). */
  inProgress: number;
}

function row(id: string, name: string, results: readonly CallResult[]): QueueReport {
  const k = kpisOf(results);
  return {
    id,
    name,
    offered: k.offered,
    answered: k.answered,
    abandoned: k.abandoned,
    failed: k.failed,
    sl20: k.sl20,
    asa: k.asa,
    abandonRate: k.abandonRate,
  };
}

/**
 * Per tenant and queue KPIs from the simulator's outcomes of the callers the world placed, and the
 * two invariants: no agent on two calls at once, no call both answered and abandoned (by the callers'
 * truth and the platform's facts together).
 */
export function buildReport(
  world: WorldSpec,
  outcomes: readonly SimOutcome[],
  placed: ReadonlyMap<string, CallPlan>,
  factsOf: (callId: string) => ReadonlySet<string>,
): RunReport {
  const results: CallResult[] = [];
  let contradictions = 0;
  let inProgress = 0;
  for (const o of outcomes) {
    const plan = placed.get(o.channelId);
    if (!plan) continue;
    const result = classifyCall(plan, o);
    if (result.fate === 'waiting') {
      inProgress++;
      continue;
    }
    const facts = factsOf(callIdForChannel(o.channelId));
    const platformAnswered = facts.has('answered');
    const platformAbandoned = facts.has('abandoned');
    if (
      (platformAnswered && platformAbandoned) ||
      (result.fate === 'answered' && platformAbandoned) ||
      (result.fate === 'abandoned' && platformAnswered)
    )
      contradictions++;
    results.push(result);
  }
  const agentEndpoints = new Set(world.agents.map((a) => a.endpoint));
  const doubled = doubleBookedAgents(outcomes, (endpoint) => agentEndpoints.has(endpoint));
  return {
    tenants: world.tenants.map((t) => {
      const mine = results.filter((r) => r.tenantId === t.id);
      return {
        ...row(t.id, t.name, mine),
        queues: t.queues.map((q) =>
          row(
            q.id,
            q.name,
            mine.filter((r) => r.queueId === q.id),
          ),
        ),
      };
    }),
    agentsDoubleBooked: doubled.length,
    callsAnsweredAndAbandoned: contradictions,
    inProgress,
  };
}
