import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import { StandardErrors, ZodBody, ZodResponse } from '../http/openapi.util';
import { LoginSchema, MeSchema, RefreshSchema, TokenPairSchema, type TokenPair } from './auth.schema';
import { AuthService } from './auth.service';
import { Authenticated, CurrentTenant, Public } from './authenticated.decorator';
import type { TenantPrincipal } from './principal.type';
import type { z } from 'zod';

@ApiTags('auth')
@Controller('v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/token')
  @HttpCode(200)
  @Public()
  @ZodBody(LoginSchema)
  @ZodResponse(200, TokenPairSchema, 'Logged in')
  @StandardErrors()
  login(
    @Body(new ZodValidationPipe(LoginSchema, 'body')) body: z.infer<typeof LoginSchema>,
  ): Promise<TokenPair> {
    return this.auth.login(body.email, body.password);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  @ZodBody(RefreshSchema)
  @ZodResponse(200, TokenPairSchema, 'A new token pair; the presented refresh token is spent')
  @StandardErrors()
  refresh(
    @Body(new ZodValidationPipe(RefreshSchema, 'body')) body: z.infer<typeof RefreshSchema>,
  ): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Public()
  @ZodBody(RefreshSchema)
  @ZodResponse(204, undefined, 'The session (refresh token family) is ended')
  @StandardErrors()
  logout(
    @Body(new ZodValidationPipe(RefreshSchema, 'body')) body: z.infer<typeof RefreshSchema>,
  ): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Authenticated({ audience: 'tenant' })
  @ZodResponse(200, MeSchema, 'The calling credential')
  @StandardErrors()
  me(@CurrentTenant() principal: TenantPrincipal): z.infer<typeof MeSchema> {
    return {
      principal: principal.id,
      tenantId: principal.tenantId,
      via: principal.via,
      ...(principal.role ? { role: principal.role } : {}),
      permissions: [...principal.permissions].sort(),
    };
  }
}
