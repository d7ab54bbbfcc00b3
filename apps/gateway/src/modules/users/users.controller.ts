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
  CreateUserSchema,
  UpdateUserSchema,
  UserViewSchema,
  type CreateUser,
  type UpdateUser,
  type UserView,
} from './user.schema';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ audience: 'tenant', permission: 'users:write' })
  @IdempotentPost()
  @ZodBody(CreateUserSchema)
  @ZodResponse(201, UserViewSchema, 'Created')
  @StandardErrors()
  async create(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(CreateUserSchema, 'body')) body: CreateUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.create(p.id, p.tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'users:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(UserViewSchema), 'A page of users')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<UserView>> {
    return this.users.list(p.tenantId, q);
  }

  @Get(':userId')
  @Authenticated({ audience: 'tenant', permission: 'users:read' })
  @ZodResponse(200, UserViewSchema, 'The user (ETag header)')
  @StandardErrors()
  async get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('userId', idParam('userId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.get(p.tenantId, id));
  }

  @Patch(':userId')
  @Authenticated({ audience: 'tenant', permission: 'users:write' })
  @IfMatchHeader()
  @ZodBody(UpdateUserSchema)
  @ZodResponse(200, UserViewSchema, 'Updated')
  @StandardErrors()
  async update(
    @CurrentTenant() p: TenantPrincipal,
    @Param('userId', idParam('userId')) id: string,
    @Body(new ZodValidationPipe(UpdateUserSchema, 'body')) body: UpdateUser,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    return withEtag(res, await this.users.update(p.id, p.tenantId, id, body, ifMatch));
  }

  @Delete(':userId')
  @HttpCode(204)
  @Authenticated({ audience: 'tenant', permission: 'users:write' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Deleted')
  @StandardErrors()
  remove(
    @CurrentTenant() p: TenantPrincipal,
    @Param('userId', idParam('userId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.users.remove(p.id, p.tenantId, id, ifMatch);
  }
}
