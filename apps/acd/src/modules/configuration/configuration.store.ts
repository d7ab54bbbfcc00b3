import type { RouterConfiguration } from '../router/router.core';
import type { AgentDefinition, QueueDefinition, TenantSettings } from './configuration.types';

/**
 * The routing configuration every replica keeps in memory (loaded from Postgres at start, then
 * changed one entity at a time), so that whichever replica takes the lease routes at once.
 */
export class ConfigurationStore implements RouterConfiguration {
  private readonly tenantMap = new Map<string, TenantSettings>();
  private readonly queueMap = new Map<string, QueueDefinition>();
  private readonly agentMap = new Map<string, AgentDefinition>();

  tenants(): Iterable<TenantSettings> {
    return this.tenantMap.values();
  }

  queues(): Iterable<QueueDefinition> {
    return this.queueMap.values();
  }

  agents(): Iterable<AgentDefinition> {
    return this.agentMap.values();
  }

  tenant(tenantId: string): TenantSettings | undefined {
    return this.tenantMap.get(tenantId);
  }

  queue(tenantId: string, queueId: string): QueueDefinition | undefined {
    return this.queueMap.get(`${tenantId}/${queueId}`);
  }

  agent(agentId: string): AgentDefinition | undefined {
    return this.agentMap.get(agentId);
  }

  get size(): { tenants: number; queues: number; agents: number; memberships: number } {
    let memberships = 0;
    for (const a of this.agentMap.values()) for (const p of a.profiles) memberships += p.queueIds.length;
    return {
      tenants: this.tenantMap.size,
      queues: this.queueMap.size,
      agents: this.agentMap.size,
      memberships,
    };
  }

  setTenant(settings: TenantSettings): void {
    this.tenantMap.set(settings.tenantId, settings);
  }

  setQueue(queue: QueueDefinition): void {
    this.queueMap.set(`${queue.tenantId}/${queue.queueId}`, queue);
  }

  setAgent(agent: AgentDefinition): void {
    this.agentMap.set(agent.agentId, agent);
  }
}
