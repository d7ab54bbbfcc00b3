import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
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

@ApiTags('api keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Authenticated({ audience: 'tenant', permission: 'api_keys:write' })
  @IdempotentPost()
  @ZodBody(CreateApiKeySchema)
  @ZodResponse(201, CreatedApiKeySchema, 'Created; `key` is shown only here')
  @StandardErrors()
  async create(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(CreateApiKeySchema, 'body')) body: CreateApiKey,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKey> {
    return withEtag(res, await this.keys.create(p.id, p.tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'api_keys:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(ApiKeyViewSchema), 'A page of keys (never the keys themselves)')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<ApiKeyView>> {
    return this.keys.list(p.tenantId, q);
  }

  @Get(':keyId')
  @Authenticated({ audience: 'tenant', permission: 'api_keys:read' })
  @ZodResponse(200, ApiKeyViewSchema, 'The key (ETag header)')
  @StandardErrors()
  async get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('keyId', idParam('keyId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiKeyView> {
    return withEtag(res, await this.keys.get(p.tenantId, id));
  }

  @Post(':keyId/rotate')
  @Authenticated({ audience: 'tenant', permission: 'api_keys:write' })
  @IdempotentPost()
  @IfMatchHeader()
  @ZodBody(RotateApiKeySchema)
  @ZodResponse(201, CreatedApiKeySchema, 'The new key; the old one stops now or after the grace period')
  @StandardErrors()
  async rotate(
    @CurrentTenant() p: TenantPrincipal,
    @Param('keyId', idParam('keyId')) id: string,
    @Body(new ZodValidationPipe(RotateApiKeySchema, 'body')) body: RotateApiKey,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKey> {
    return withEtag(res, await this.keys.rotate(p.id, p.tenantId, id, body, ifMatch));
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Authenticated({ audience: 'tenant', permission: 'api_keys:write' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Revoked')
  @StandardErrors()
  revoke(
    @CurrentTenant() p: TenantPrincipal,
    @Param('keyId', idParam('keyId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.keys.revoke(p.id, p.tenantId, id, ifMatch);
  }
}
