import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import { z } from 'zod';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { StandardErrors, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import { AuditService, type AuditView } from './audit.service';

const AuditViewSchema = z.object({
  id: z.string(),
  actor: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  at: z.string(),
});

@ApiTags('audit')
@Controller('v1/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'audit:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(AuditViewSchema), 'Changes to this tenant, oldest first')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<AuditView>> {
    return this.audit.list(p.tenantId, q);
  }
}
