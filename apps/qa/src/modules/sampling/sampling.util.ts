import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';

/** Why a call was picked for a human evaluation (a call may have several reasons). */
export const SAMPLING_REASONS = ['agent_share', 'auto_check_failure', 'new_agent', 'vip_caller'] as const;
export type SamplingReason = (typeof SAMPLING_REASONS)[number];

export const SamplingRulesSchema = z
  .object({
    /** Share (0-1) of each agent's calls per week picked at random, stratified by agent and week. */
    agentShare: z.number().min(0).max(1).default(0.05),
    /** At least this many of each agent's calls per week (the first ones, when the share gives fewer). */
    minPerAgentWeek: z.number().int().min(0).max(1000).default(2),
    /** Every call with a failed automatic check. */
    autoCheckFailures: z.boolean().default(true),
    /** Every call of an agent's first N days (0 = off). */
    newAgentDays: z.number().int().min(0).max(365).default(7),
    /** Calls whose caller's value tier (callcenter.common.v1.ValueTier, 4 = TOP) is at least this; null = off. */
    vipMinTier: z.number().int().min(1).max(10).nullable().default(4),
    /** Customers whose calls are always picked. */
    vipCustomerIds: z.array(z.string().min(1).max(128)).max(10_000).default([]),
  })
  .strict();
export type SamplingRules = z.infer<typeof SamplingRulesSchema>;

export const DEFAULT_SAMPLING_RULES: SamplingRules = SamplingRulesSchema.parse({});

/** A call as sampling sees it. */
export interface SamplingCall {
  callId: string;
  agentId: string;
  endedAt: Date;
  failedChecks: number;
  valueTier: number | null;
  customerId: string | null;
}

/** How many calls of one agent's week were seen and picked by the share rule so far. */
export interface StratumCounter {
  seen: number;
  picked: number;
}

/** The stratum of a call: its agent and the ISO week (in the tenant's zone) it ended in. */
export function stratumKey(agentId: string, endedAt: Date, zone: string): { agentId: string; week: string } {
  const week = DateTime.fromJSDate(endedAt, { zone }).toFormat("kkkk-'W'WW");
  return { agentId, week };
}

/** A number in [0, 1) fixed by the seed and the parts: the same inputs give it again, anywhere. */
export function seededUnit(seed: string, ...parts: string[]): number {
  const digest = createHash('sha256')
    .update([seed, ...parts].join('\u0000'))
    .digest();
  // 48 bits: exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * How many of a stratum's first `seen` calls the share rule wants picked: systematic sampling
 * with a random start `offset` (0-1) — floor(seen x share + offset) — but never fewer than the
 * weekly minimum. It grows by at most one per call, so picking call n exactly when the target
 * rises meets it exactly: after N calls, max(min(N, minimum), floor(N x share + offset)) are
 * picked, i.e. the share rounded down or up, spread evenly over the week.
 */
export function shareTarget(seen: number, share: number, offset: number, minimum: number): number {
  return Math.max(Math.min(seen, minimum), Math.floor(seen * share + offset));
}

export interface SamplingDecision {
  reasons: SamplingReason[];
  /** The stratum's counter after this call. */
  counter: StratumCounter;
}

/**
 * Decides whether one call is picked, and why (pure). `counter` is the call's stratum (agent x
 * week) before it; `agentFirstCallAt` when the agent's first call was. Reproducible: the same
 * seed and the same calls in the same order pick the same calls; the share rule's random start
 * comes from the seed, the tenant, the agent and the week.
 */
export function decideSampling(input: {
  tenantId: string;
  call: SamplingCall;
  counter: StratumCounter;
  week: string;
  agentFirstCallAt: Date;
  rules: SamplingRules;
  seed: string;
}): SamplingDecision {
  const { call, rules, counter } = input;
  const reasons: SamplingReason[] = [];
  const offset = seededUnit(input.seed, input.tenantId, call.agentId, input.week);
  const seen = counter.seen + 1;
  const pickedByShare = counter.picked < shareTarget(seen, rules.agentShare, offset, rules.minPerAgentWeek);
  if (pickedByShare) reasons.push('agent_share');
  if (rules.autoCheckFailures && call.failedChecks > 0) reasons.push('auto_check_failure');
  const agentDays = (call.endedAt.getTime() - input.agentFirstCallAt.getTime()) / 86_400_000;
  if (rules.newAgentDays > 0 && agentDays < rules.newAgentDays) reasons.push('new_agent');
  const vipTier = rules.vipMinTier !== null && call.valueTier !== null && call.valueTier >= rules.vipMinTier;
  const vipCustomer = call.customerId !== null && rules.vipCustomerIds.includes(call.customerId);
  if (vipTier || vipCustomer) reasons.push('vip_caller');
  return { reasons, counter: { seen, picked: counter.picked + (pickedByShare ? 1 : 0) } };
}

export interface SampledCall {
  callId: string;
  agentId: string;
  week: string;
  reasons: SamplingReason[];
}

/**
 * Samples a batch of calls (a week's replay, a report, the tests): the calls in the order they
 * ended (ties by call id), each through `decideSampling` with its stratum's running counter and
 * its agent's first call. The same seed gives the same sample whatever order the batch came in.
 */
export function sampleCalls(
  tenantId: string,
  calls: readonly SamplingCall[],
  rules: SamplingRules,
  seed: string,
  zone = 'UTC',
  agentStarts: ReadonlyMap<string, Date> = new Map(),
): SampledCall[] {
  const ordered = [...calls].sort(
    (a, b) =>
      a.endedAt.getTime() - b.endedAt.getTime() || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0),
  );
  const counters = new Map<string, StratumCounter>();
  const firstCall = new Map(agentStarts);
  const sampled: SampledCall[] = [];
  for (const call of ordered) {
    const { week } = stratumKey(call.agentId, call.endedAt, zone);
    const key = `${call.agentId}\u0000${week}`;
    if (!firstCall.has(call.agentId)) firstCall.set(call.agentId, call.endedAt);
    const decision = decideSampling({
      tenantId,
      call,
      counter: counters.get(key) ?? { seen: 0, picked: 0 },
      week,
      agentFirstCallAt: firstCall.get(call.agentId)!,
      rules,
      seed,
    });
    counters.set(key, decision.counter);
    if (decision.reasons.length > 0) {
      sampled.push({ callId: call.callId, agentId: call.agentId, week, reasons: decision.reasons });
    }
  }
  return sampled;
}

/**
 * The analyst who gets a sampled call: the one with the fewest open items; ties go to the highest
 * seeded draw for this call (rendezvous hashing), so the choice is spread and reproducible. The
 * agent never evaluates their own call. Undefined when nobody may take it.
 */
export function chooseAnalyst(
  analysts: readonly { analystId: string; openItems: number }[],
  call: { callId: string; agentId: string },
  seed: string,
): string | undefined {
  let best: { analystId: string; openItems: number; draw: number } | undefined;
  for (const analyst of analysts) {
    if (analyst.analystId === call.agentId) continue;
    const draw = seededUnit(seed, call.callId, analyst.analystId);
    if (
      !best ||
      analyst.openItems < best.openItems ||
      (analyst.openItems === best.openItems && draw > best.draw)
    ) {
      best = { ...analyst, draw };
    }
  }
  return best?.analystId;
}
