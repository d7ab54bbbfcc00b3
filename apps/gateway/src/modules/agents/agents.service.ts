import { Injectable } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { AuditService } from '../audit/audit.service';
import { pageOfList, type Page, type PageQuery } from '../http/pagination.util';
import { GrpcUpstreams } from '../upstreams/grpc-upstreams';
import { agentView, poolAgentView } from './agent.mapper';
import type { AgentProfileInput, AgentView, PoolAgentView, UpsertAgent } from './agent.schema';

/** Agents of the operator's shared pool (acd): a tenant sees those serving it; the operator all. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly upstreams: GrpcUpstreams,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, query: PageQuery): Promise<Page<AgentView>> {
    const { agents } = await this.upstreams.acd.call((acd) => acd.listAgents({ agentIds: [] }, { tenantId }));
    return pageOfList(agents.map(agentView), query, (a) => a.id);
  }

  async get(tenantId: string, agentId: string): Promise<AgentView> {
    const { agents } = await this.upstreams.acd.call((acd) =>
      acd.listAgents({ agentIds: [agentId] }, { tenantId }),
    );
    const agent = agents[0];
    if (!agent) throw AppError.notFound('agent', agentId);
    return agentView(agent);
  }

  // ------------------------------------------------------------------ operator

  async listPool(query: PageQuery): Promise<Page<PoolAgentView>> {
    const { agents } = await this.upstreams.acd.call((acd) => acd.listAgents({ agentIds: [] }));
    return pageOfList(agents.map(poolAgentView), query, (a) => a.id);
  }

  private async findPool(agentId: string): Promise<PoolAgentView | undefined> {
    const { agents } = await this.upstreams.acd.call((acd) => acd.listAgents({ agentIds: [agentId] }));
    return agents[0] ? poolAgentView(agents[0]) : undefined;
  }

  async getPool(agentId: string): Promise<PoolAgentView> {
    const agent = await this.findPool(agentId);
    if (!agent) throw AppError.notFound('agent', agentId);
    return agent;
  }

  /** Creates or changes an agent of the pool. */
  async upsertPool(actor: string, agentId: string, input: UpsertAgent): Promise<PoolAgentView> {
    const before = await this.findPool(agentId);
    await this.upstreams.acd.call((acd) =>
      acd.upsertAgent(
        {
          agentId,
          displayName: input.displayName,
          endpoint: input.endpoint,
          qualityScore: input.qualityScore,
        },
        { actor },
      ),
    );
    const after = await this.getPool(agentId);
    await this.audit.recordAfter({
      tenantId: null,
      actor,
      action: before ? 'agent.updated' : 'agent.created',
      resourceType: 'agent',
      resourceId: agentId,
      before: before ?? null,
      after,
    });
    return after;
  }

  /** The agent's skills and queues within `tenantId` (`remove` takes the agent off that tenant). */
  async setProfile(
    actor: string,
    tenantId: string,
    agentId: string,
    profile: AgentProfileInput | 'remove',
  ): Promise<PoolAgentView> {
    const before = await this.getPool(agentId);
    await this.upstreams.acd.call((acd) =>
      acd.setAgentProfile(
        profile === 'remove'
          ? { agentId, skills: [], queueIds: [], remove: true }
          : { agentId, skills: profile.skills, queueIds: profile.queueIds, remove: false },
        { tenantId, actor },
      ),
    );
    const after = await this.getPool(agentId);
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: profile === 'remove' ? 'agent_profile.removed' : 'agent_profile.set',
      resourceType: 'agent',
      resourceId: agentId,
      before: before.profiles.find((p) => p.tenantId === tenantId) ?? null,
      after: after.profiles.find((p) => p.tenantId === tenantId) ?? null,
    });
    return after;
  }
}
