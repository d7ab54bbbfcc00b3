import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import { Authenticated, CurrentPrincipal } from '../auth/authenticated.decorator';
import type { Principal } from '../auth/principal.type';
import { idParam } from '../http/http.util';
import { StandardErrors, ZodBody, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import {
  RoutingSettingsSchema,
  SkillViewSchema,
  UpsertSkillSchema,
  type RoutingSettings,
  type UpsertSkill,
} from '../queues/queue.schema';
import { QueuesService } from '../queues/queues.service';
import { ExistingTenantPipe } from '../tenants/tenants.service';
import {
  AgentProfileSchema,
  PoolAgentViewSchema,
  UpsertAgentSchema,
  type AgentProfileInput,
  type PoolAgentView,
  type UpsertAgent,
} from './agent.schema';
import { AgentsService } from './agents.service';

/** The operator's shared agent pool: agents, and each agent's skills and queues per tenant. */
@ApiTags('agents')
@Controller('admin/v1')
export class AgentsAdminController {
  constructor(
    private readonly agents: AgentsService,
    private readonly queues: QueuesService,
  ) {}

  @Get('agents')
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(PoolAgentViewSchema), 'Every agent with every tenant profile and its state')
  @StandardErrors()
  list(@Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery): Promise<Page<PoolAgentView>> {
    return this.agents.listPool(q);
  }

  @Get('agents/:agentId')
  @Authenticated({ audience: 'operator' })
  @ZodResponse(200, PoolAgentViewSchema, 'The agent')
  @StandardErrors()
  get(@Param('agentId', idParam('agentId')) id: string): Promise<PoolAgentView> {
    return this.agents.getPool(id);
  }

  /** Creates or changes an agent of the pool. */
  @Put('agents/:agentId')
  @Authenticated({ audience: 'operator' })
  @ZodBody(UpsertAgentSchema)
  @ZodResponse(200, PoolAgentViewSchema, 'Saved')
  @StandardErrors()
  upsert(
    @CurrentPrincipal() p: Principal,
    @Param('agentId', idParam('agentId')) id: string,
    @Body(new ZodValidationPipe(UpsertAgentSchema, 'body')) body: UpsertAgent,
  ): Promise<PoolAgentView> {
    return this.agents.upsertPool(p.id, id, body);
  }

  /** The agent's skills (levels 1-10) and queue memberships within one tenant. */
  @Put('tenants/:tenantId/agents/:agentId/profile')
  @Authenticated({ audience: 'operator' })
  @ZodBody(AgentProfileSchema)
  @ZodResponse(200, PoolAgentViewSchema, 'Saved')
  @StandardErrors()
  setProfile(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('agentId', idParam('agentId')) id: string,
    @Body(new ZodValidationPipe(AgentProfileSchema, 'body')) body: AgentProfileInput,
  ): Promise<PoolAgentView> {
    return this.agents.setProfile(p.id, tenantId, id, body);
  }

  /** Takes the agent off the tenant (it serves the tenant's calls no more). */
  @Delete('tenants/:tenantId/agents/:agentId/profile')
  @Authenticated({ audience: 'operator' })
  @ZodResponse(200, PoolAgentViewSchema, 'Removed from the tenant')
  @StandardErrors()
  removeProfile(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('agentId', idParam('agentId')) id: string,
  ): Promise<PoolAgentView> {
    return this.agents.setProfile(p.id, tenantId, id, 'remove');
  }

  @Get('tenants/:tenantId/skills')
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(SkillViewSchema), 'The tenant’s skills')
  @StandardErrors()
  skills(
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<{ id: string; name: string }>> {
    return this.queues.listSkills(tenantId, q);
  }

  @Put('tenants/:tenantId/skills/:skillId')
  @Authenticated({ audience: 'operator' })
  @ZodBody(UpsertSkillSchema)
  @ZodResponse(200, SkillViewSchema, 'Created or renamed')
  @StandardErrors()
  putSkill(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('skillId', idParam('skillId')) skillId: string,
    @Body(new ZodValidationPipe(UpsertSkillSchema, 'body')) body: UpsertSkill,
  ): Promise<{ id: string; name: string }> {
    return this.queues.upsertSkill(p.id, tenantId, skillId, body);
  }

  /** The tenant's zone (opening hours, "today" statistics), holidays and fairness weight in routing. */
  @Put('tenants/:tenantId/routing-settings')
  @Authenticated({ audience: 'operator' })
  @ZodBody(RoutingSettingsSchema)
  @ZodResponse(200, RoutingSettingsSchema, 'Saved; the routers apply them at once')
  @StandardErrors()
  putRoutingSettings(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Body(new ZodValidationPipe(RoutingSettingsSchema, 'body')) body: RoutingSettings,
  ): Promise<RoutingSettings> {
    return this.queues.putRoutingSettings(p.id, tenantId, body);
  }
}
