import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal } from '../auth/authenticated.decorator';
import { ExistingTenantPipe } from '../tenants/tenants.service';
import type { Principal } from '../auth/principal.type';
import { idParam, withEtag } from '../http/http.util';
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
  ApiKeyViewSchema,
  CreateApiKeySchema,
  CreatedApiKeySchema,
  RotateApiKeySchema,
  type ApiKeyView,
  type CreateApiKey,
  type CreatedApiKey,
  type RotateApiKey,
} from './api-key.schema';
import { ApiKeysService } from './api-keys.service';

@ApiTags('tenant api keys')
@Controller('admin/v1/tenants/:tenantId/api-keys')
export class ApiKeysAdminController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Authenticated({ audience: 'operator' })
  @IdempotentPost()
  @ZodBody(CreateApiKeySchema)
  @ZodResponse(201, CreatedApiKeySchema, 'Created; `key` is shown only here')
  @StandardErrors()
  async create(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Body(new ZodValidationPipe(CreateApiKeySchema, 'body')) body: CreateApiKey,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKey> {
    return withEtag(res, await this.keys.create(p.id, tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(ApiKeyViewSchema), 'A page of keys (never the keys themselves)')
  @StandardErrors()
  list(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<ApiKeyView>> {
    return this.keys.list(tenantId, q);
  }

  @Get(':keyId')
  @Authenticated({ audience: 'operator' })
  @ZodResponse(200, ApiKeyViewSchema, 'The key (ETag header)')
  @StandardErrors()
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('keyId', idParam('keyId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiKeyView> {
    return withEtag(res, await this.keys.get(tenantId, id));
  }

  @Post(':keyId/rotate')
  @Authenticated({ audience: 'operator' })
  @IdempotentPost()
  @IfMatchHeader()
  @ZodBody(RotateApiKeySchema)
  @ZodResponse(201, CreatedApiKeySchema, 'The new key; the old one stops now or after the grace period')
  @StandardErrors()
  async rotate(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('keyId', idParam('keyId')) id: string,
    @Body(new ZodValidationPipe(RotateApiKeySchema, 'body')) body: RotateApiKey,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKey> {
    return withEtag(res, await this.keys.rotate(p.id, tenantId, id, body, ifMatch));
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Authenticated({ audience: 'operator' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Revoked')
  @StandardErrors()
  revoke(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('keyId', idParam('keyId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.keys.revoke(p.id, tenantId, id, ifMatch);
  }
}
