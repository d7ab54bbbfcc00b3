import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { AcdDatabase, type AcdTx } from '../../infrastructure/acd-database';
import type { ConfigurationStore } from './configuration.store';
import type {
  AgentDefinition,
  AgentTenantProfile,
  QueueDefinition,
  QueueRules,
  TenantSettings,
} from './configuration.types';

interface QueueRow {
  tenantId: string;
  queueId: string;
  name: string;
  priority: number;
  version: number;
  rules: unknown;
}

interface AgentRow {
  agentId: string;
  displayName: string;
  endpoint: string;
  qualityScore: number;
  profiles: { tenantId: string; skills: unknown; queueIds: string[] }[];
}

function queueOf(row: QueueRow): QueueDefinition {
  return {
    tenantId: row.tenantId,
    queueId: row.queueId,
    name: row.name,
    priority: row.priority,
    version: row.version,
    // Written only by the admin API, which validated it (QueueRulesSchema).
    rules: row.rules as QueueRules,
  };
}

function agentOf(row: AgentRow): AgentDefinition {
  return {
    agentId: row.agentId,
    displayName: row.displayName,
    endpoint: row.endpoint,
    qualityScore: row.qualityScore,
    profiles: row.profiles.map((p): AgentTenantProfile => ({
      tenantId: p.tenantId,
      skills: p.skills as Record<string, number>,
      queueIds: p.queueIds,
    })),
  };
}

function tenantOf(row: {
  tenantId: string;
  timeZone: string;
  weight: number;
  holidays: string[];
}): TenantSettings {
  return { tenantId: row.tenantId, timeZone: row.timeZone, weight: row.weight, holidays: row.holidays };
}

/**
 * The routing configuration in Postgres: admin writes (scoped to the calling tenant by TenantDb and
 * row-level security; agents of the shared pool as the operator) and the reads that fill a
 * replica's in-memory ConfigurationStore, whole at start-up or one entity after a change.
 */
@Injectable()
export class ConfigurationRepository {
  constructor(@Inject(AcdDatabase) private readonly database: AcdDatabase) {}

  /** Everything, operator-wide (a replica routes for every tenant). */
  async loadAll(store: ConfigurationStore): Promise<void> {
    await this.database.loadDb.operator(async (tx) => {
      const [tenants, queues, agents] = await Promise.all([
        tx.tenantSettings.findMany(),
        tx.queue.findMany(),
        tx.agent.findMany({ include: { profiles: true } }),
      ]);
      for (const row of tenants) store.setTenant(tenantOf(row));
      for (const row of queues) store.setQueue(queueOf(row));
      for (const row of agents) store.setAgent(agentOf(row));
    });
  }

  loadTenant(tenantId: string): Promise<TenantSettings | undefined> {
    return this.database.db.operator(async (tx) => {
      const row = await tx.tenantSettings.findUnique({ where: { tenantId } });
      return row ? tenantOf(row) : undefined;
    });
  }

  loadQueue(tenantId: string, queueId: string): Promise<QueueDefinition | undefined> {
    return this.database.db.operator(async (tx) => {
      const row = await tx.queue.findUnique({ where: { tenantId_queueId: { tenantId, queueId } } });
      return row ? queueOf(row) : undefined;
    });
  }

  loadAgent(agentId: string): Promise<AgentDefinition | undefined> {
    return this.database.db.operator(async (tx) => {
      const row = await tx.agent.findUnique({ where: { agentId }, include: { profiles: true } });
      return row ? agentOf(row) : undefined;
    });
  }

  // ------------------------------------------------------------------ admin writes

  /** The calling tenant's settings (TenantContext). */
  upsertTenantSettings(settings: Omit<TenantSettings, 'tenantId'>): Promise<string> {
    return this.database.db.tenant(async (tx, tenantId) => {
      const data = { timeZone: settings.timeZone, weight: settings.weight, holidays: [...settings.holidays] };
      await tx.tenantSettings.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
      return tenantId;
    });
  }

  upsertSkill(skillId: string, name: string): Promise<string> {
    return this.database.db.tenant(async (tx, tenantId) => {
      await tx.skill.upsert({
        where: { tenantId_skillId: { tenantId, skillId } },
        create: { tenantId, skillId, name },
        update: { name },
      });
      return tenantId;
    });
  }

  /** Creates or changes a queue of the calling tenant; returns its new version. */
  upsertQueue(queue: {
    queueId: string;
    name: string;
    priority: number;
    rules: QueueRules;
  }): Promise<{ tenantId: string; version: number }> {
    return this.database.db.tenant(async (tx, tenantId) => {
      const rules = queue.rules as unknown as object;
      const row = await tx.queue.upsert({
        where: { tenantId_queueId: { tenantId, queueId: queue.queueId } },
        create: { tenantId, queueId: queue.queueId, name: queue.name, priority: queue.priority, rules },
        update: { name: queue.name, priority: queue.priority, rules, version: { increment: 1 } },
      });
      return { tenantId, version: row.version };
    });
  }

  /** An agent of the operator's shared pool. */
  upsertAgent(agent: {
    agentId: string;
    displayName: string;
    endpoint: string;
    qualityScore: number;
  }): Promise<void> {
    return this.database.db.operator(async (tx) => {
      const data = {
        displayName: agent.displayName,
        endpoint: agent.endpoint,
        qualityScore: agent.qualityScore,
      };
      await tx.agent.upsert({
        where: { agentId: agent.agentId },
        create: { agentId: agent.agentId, ...data },
        update: data,
      });
    });
  }

  /** The agent's profile within the calling tenant, or its removal from that tenant. */
  setAgentProfile(
    agentId: string,
    profile: { skills: Record<string, number>; queueIds: string[] } | 'remove',
  ): Promise<string> {
    return this.database.db.tenant(async (tx: AcdTx, tenantId) => {
      if (profile === 'remove') {
        await tx.agentProfile.deleteMany({ where: { tenantId, agentId } });
        return tenantId;
      }
      const agent = await tx.agent.findUnique({ where: { agentId }, select: { agentId: true } });
      if (!agent) throw AppError.notFound('agent', agentId);
      const data = { skills: profile.skills, queueIds: profile.queueIds };
      await tx.agentProfile.upsert({
        where: { tenantId_agentId: { tenantId, agentId } },
        create: { tenantId, agentId, ...data },
        update: data,
      });
      return tenantId;
    });
  }

  // ------------------------------------------------------------------ admin reads

  /** The calling tenant's queues (all when `queueIds` is empty), by queue id. */
  listQueues(queueIds: readonly string[]): Promise<QueueDefinition[]> {
    return this.database.db.tenant(async (tx, tenantId) => {
      const rows = await tx.queue.findMany({
        where: { tenantId, ...(queueIds.length > 0 ? { queueId: { in: [...queueIds] } } : {}) },
        orderBy: { queueId: 'asc' },
      });
      return rows.map(queueOf);
    });
  }

  /** The calling tenant's skills, by skill id. */
  listSkills(): Promise<{ skillId: string; name: string }[]> {
    return this.database.db.tenant(async (tx, tenantId) =>
      tx.skill.findMany({
        where: { tenantId },
        orderBy: { skillId: 'asc' },
        select: { skillId: true, name: true },
      }),
    );
  }

  /**
   * Agents by id (all when `agentIds` is empty). For a tenant: only the agents it has a profile for,
   * with that profile alone; for the operator (`tenantId` undefined): every agent, every profile.
   */
  listAgents(tenantId: string | undefined, agentIds: readonly string[]): Promise<AgentDefinition[]> {
    const byId = agentIds.length > 0 ? { agentId: { in: [...agentIds] } } : {};
    if (tenantId === undefined) {
      return this.database.db.operator(async (tx) => {
        const rows = await tx.agent.findMany({
          where: byId,
          include: { profiles: { orderBy: { tenantId: 'asc' } } },
          orderBy: { agentId: 'asc' },
        });
        return rows.map(agentOf);
      });
    }
    return this.database.db.tenant(async (tx) => {
      // The agent rows belong to the operator: read through the tenant's profiles (RLS scopes them).
      const profiles = await tx.agentProfile.findMany({
        where: { tenantId, ...byId },
        include: { agent: true },
        orderBy: { agentId: 'asc' },
      });
      return profiles.map((p) => agentOf({ ...p.agent, profiles: [p] }));
    });
  }
}
