import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { idParam } from '../http/http.util';
import { StandardErrors, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import { AgentViewSchema, type AgentView } from './agent.schema';
import { AgentsService } from './agents.service';

@ApiTags('agents')
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'agents:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(AgentViewSchema), 'The agents serving this tenant, with their states')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<AgentView>> {
    return this.agents.list(p.tenantId, q);
  }

  @Get(':agentId')
  @Authenticated({ audience: 'tenant', permission: 'agents:read' })
  @ZodResponse(200, AgentViewSchema, 'The agent, its skills in this tenant and its state')
  @StandardErrors()
  get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('agentId', idParam('agentId')) id: string,
  ): Promise<AgentView> {
    return this.agents.get(p.tenantId, id);
  }
}
