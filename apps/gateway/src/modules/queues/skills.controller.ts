import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EntityIdSchema } from '@cc/contracts';
import { ZodValidationPipe } from '@cc/platform';
import { z } from 'zod';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { IdempotentPost, StandardErrors, ZodBody, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import { SkillViewSchema, UpsertSkillSchema } from './queue.schema';
import { QueuesService } from './queues.service';

const PostSkillSchema = UpsertSkillSchema.extend({ id: EntityIdSchema });

@ApiTags('queues')
@Controller('v1/skills')
export class SkillsController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(SkillViewSchema), 'A page of the tenant’s skills')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<{ id: string; name: string }>> {
    return this.queues.listSkills(p.tenantId, q);
  }

  /** Creates a skill, or renames the one with this id. */
  @Post()
  @Authenticated({ audience: 'tenant', permission: 'queues:write' })
  @IdempotentPost()
  @ZodBody(PostSkillSchema)
  @ZodResponse(201, SkillViewSchema, 'Created or renamed')
  @StandardErrors()
  upsert(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(PostSkillSchema, 'body')) body: z.infer<typeof PostSkillSchema>,
  ): Promise<{ id: string; name: string }> {
    return this.queues.upsertSkill(p.id, p.tenantId, body.id, { name: body.name });
  }
}
