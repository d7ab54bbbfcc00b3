import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
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
  CreateUserSchema,
  UpdateUserSchema,
  UserViewSchema,
  type CreateUser,
  type UpdateUser,
  type UserView,
} from './user.schema';
import { UsersService } from './users.service';

@ApiTags('tenant users')
@Controller('admin/v1/tenants/:tenantId/users')
export class UsersAdminController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ audience: 'operator' })
  @IdempotentPost()
  @ZodBody(CreateUserSchema)
  @ZodResponse(201, UserViewSchema, 'Created')
  @StandardErrors()
  async create(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Body(new ZodValidationPipe(CreateUserSchema, 'body')) body: CreateUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.create(p.id, tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(UserViewSchema), 'A page of users')
  @StandardErrors()
  list(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<UserView>> {
    return this.users.list(tenantId, q);
  }

  @Get(':userId')
  @Authenticated({ audience: 'operator' })
  @ZodResponse(200, UserViewSchema, 'The user (ETag header)')
  @StandardErrors()
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('userId', idParam('userId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.get(tenantId, id));
  }

  @Patch(':userId')
  @Authenticated({ audience: 'operator' })
  @IfMatchHeader()
  @ZodBody(UpdateUserSchema)
  @ZodResponse(200, UserViewSchema, 'Updated')
  @StandardErrors()
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('userId', idParam('userId')) id: string,
    @Body(new ZodValidationPipe(UpdateUserSchema, 'body')) body: UpdateUser,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.update(p.id, tenantId, id, body, ifMatch));
  }

  @Delete(':userId')
  @HttpCode(204)
  @Authenticated({ audience: 'operator' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Deleted')
  @StandardErrors()
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('userId', idParam('userId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.users.remove(p.id, tenantId, id, ifMatch);
  }
}
