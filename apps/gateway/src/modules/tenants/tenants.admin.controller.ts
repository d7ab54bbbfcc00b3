import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal } from '../auth/authenticated.decorator';
import type { Principal } from '../auth/principal.type';
import { withEtag } from '../http/http.util';
import {
  IdempotentPost,
  IfMatchHeader,
  StandardErrors,
  ZodBody,
  ZodQuery,
  ZodResponse,
} from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import {
  CreateTenantSchema,
  TenantIdParamSchema,
  TenantViewSchema,
  UpdateTenantSchema,
  type CreateTenant,
  type TenantView,
  type UpdateTenant,
} from './tenant.schema';
import { TenantsService } from './tenants.service';

const tenantIdParam = new ZodValidationPipe(TenantIdParamSchema, 'path.tenantId');

@ApiTags('tenants')
@Controller('admin/v1/tenants')
export class TenantsAdminController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @Authenticated({ audience: 'operator' })
  @IdempotentPost()
  @ZodBody(CreateTenantSchema)
  @ZodResponse(201, TenantViewSchema, 'Created')
  @StandardErrors()
  async create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodValidationPipe(CreateTenantSchema, 'body')) body: CreateTenant,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantView> {
    const { tenant, version } = await this.tenants.create(p.id, body);
    return withEtag(res, { value: tenant, version });
  }

  @Get()
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(TenantViewSchema), 'A page of tenants')
  @StandardErrors()
  list(@Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery): Promise<Page<TenantView>> {
    return this.tenants.list(q);
  }

  @Get(':tenantId')
  @Authenticated({ audience: 'operator' })
  @ZodResponse(200, TenantViewSchema, 'The tenant (ETag header)')
  @StandardErrors()
  async get(
    @Param('tenantId', tenantIdParam) tenantId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantView> {
    const { tenant, version } = await this.tenants.get(tenantId);
    return withEtag(res, { value: tenant, version });
  }

  @Patch(':tenantId')
  @Authenticated({ audience: 'operator' })
  @IfMatchHeader()
  @ZodBody(UpdateTenantSchema)
  @ZodResponse(200, TenantViewSchema, 'Updated (suspend/reactivate, rename)')
  @StandardErrors()
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', tenantIdParam) tenantId: string,
    @Body(new ZodValidationPipe(UpdateTenantSchema, 'body')) body: UpdateTenant,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantView> {
    const { tenant, version } = await this.tenants.update(p.id, tenantId, body, ifMatch);
    return withEtag(res, { value: tenant, version });
  }

  @Delete(':tenantId')
  @Authenticated({ audience: 'operator' })
  @IfMatchHeader()
  @ZodResponse(200, TenantViewSchema, 'Soft-deleted: credentials stop now, data is kept until purgeAfter')
  @StandardErrors()
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', tenantIdParam) tenantId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TenantView> {
    return this.tenants.remove(p.id, tenantId, ifMatch);
  }
}
