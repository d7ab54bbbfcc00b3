import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { TenantPermission } from './permission.constant';
import type { Principal, TenantPrincipal } from './principal.type';

export const AUTH_METADATA = 'cc:auth';

/** Who may call a route: the operator (admin API) or a tenant credential holding `permission`. */
export type AuthRequirement =
  { audience: 'operator' } | { audience: 'tenant'; permission?: TenantPermission };
export type RouteAuth = AuthRequirement | { audience: 'public' };

/**
 * Every gateway route carries exactly one of these (a test enforces it). The requirement is also
 * written into the OpenAPI document (`x-cc-auth`), which the isolation test reads.
 */
export function Authenticated(requirement: AuthRequirement): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_METADATA, requirement),
    ApiBearerAuth(),
    ApiExtension('x-cc-auth', requirement),
  );
}

/** A route that takes no credential (login, token refresh); rate-limited per client address. */
export function Public(): MethodDecorator & ClassDecorator {
  const requirement: RouteAuth = { audience: 'public' };
  return applyDecorators(SetMetadata(AUTH_METADATA, requirement), ApiExtension('x-cc-auth', requirement));
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The caller, as resolved by the AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @Authenticated');
  return principal;
});

/** The caller of a tenant route: its tenant is THE tenant of the request. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantPrincipal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal?.kind !== 'tenant')
    throw new Error('CurrentTenant used on a route without a tenant audience');
  return principal;
});
