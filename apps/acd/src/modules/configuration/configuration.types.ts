import type { AgentSelection, OverflowRule, SkillRequirement } from '../routing/routing.types';

/** A weekly interval in the tenant's zone: ISO weekday 1-7, minutes from midnight [start, end). */
export interface OpeningInterval {
  readonly weekday: number;
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface TenantSettings {
  readonly tenantId: string;
  readonly timeZone: string;
  readonly weight: number;
  /** YYYY-MM-DD in the tenant's zone. */
  readonly holidays: readonly string[];
}

/** What a queue row's `rules` column holds (validated by the admin API before it is saved). */
export interface QueueRules {
  readonly requiredSkills: readonly SkillRequirement[];
  readonly membersOnly: boolean;
  readonly serviceLevel?: { readonly targetFraction: number; readonly thresholdSec: number };
  readonly ringTimeoutMs?: number;
  readonly wrapUpMs?: number;
  readonly maxWaitMs?: number;
  readonly overflow: readonly OverflowRule[];
  readonly agentSelection: AgentSelection;
  /** Empty: always open. */
  readonly openingHours: readonly OpeningInterval[];
}

export interface QueueDefinition {
  readonly tenantId: string;
  readonly queueId: string;
  readonly name: string;
  readonly priority: number;
  readonly version: number;
  readonly rules: QueueRules;
}

export interface AgentTenantProfile {
  readonly tenantId: string;
  readonly skills: Readonly<Record<string, number>>;
  readonly queueIds: readonly string[];
}

export interface AgentDefinition {
  readonly agentId: string;
  readonly displayName: string;
  readonly endpoint: string;
  readonly qualityScore: number;
  readonly profiles: readonly AgentTenantProfile[];
}

/** One configuration change, broadcast to every replica so each applies just that entity. */
export type ConfigChange =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'queue'; readonly tenantId: string; readonly queueId: string }
  | { readonly kind: 'agent'; readonly agentId: string };

export const DEFAULT_TENANT_SETTINGS = { timeZone: 'UTC', weight: 1, holidays: [] as string[] };

/** Queue ids are per tenant; the engine's are global, so they carry the tenant. */
export function engineQueueId(tenantId: string, queueId: string): string {
  return `${tenantId}/${queueId}`;
}

export function engineCallId(tenantId: string, callId: string): string {
  return `${tenantId}/${callId}`;
}

/** The tenant's own id back from an engine id (`tenant/id`). */
export function localId(engineId: string): string {
  return engineId.slice(engineId.indexOf('/') + 1);
}
