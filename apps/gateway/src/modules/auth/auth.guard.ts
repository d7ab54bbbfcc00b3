import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppError, ErrorKind } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { TokenBuckets } from '../http/token-bucket.util';
import { AUTH_METADATA, type AuthenticatedRequest, type RouteAuth } from './authenticated.decorator';
import { Authenticator } from './authenticator.service';
import type { Principal } from './principal.type';

function forbidden(message: string): AppError {
  return new AppError(ErrorKind.PermissionDenied, message, { code: 'permission_denied' });
}

/**
 * Authenticates, authorises and rate-limits every route that declares @Authenticated or @Public.
 * Routes of the platform kit (health, metrics) declare neither and pass through.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.buckets = new TokenBuckets({
      ratePerSecond: config.RATE_LIMIT_PER_SECOND,
      burst: config.RATE_LIMIT_BURST,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const requirement = this.reflector.getAllAndOverride<RouteAuth | undefined>(AUTH_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (requirement.audience === 'public') {
      this.limit(`ip:${request.ip ?? 'unknown'}`);
      return true;
    }
    const principal = await this.authenticator.authenticate(request.headers.authorization);
    this.authorize(principal, requirement);
    this.limit(principal.id);
    request.principal = principal;
    return true;
  }

  private authorize(principal: Principal, requirement: Exclude<RouteAuth, { audience: 'public' }>): void {
    switch (requirement.audience) {
      case 'operator':
        if (principal.kind !== 'operator') throw forbidden('this route is for the operator only');
        return;
      case 'tenant':
        if (principal.kind !== 'tenant') throw forbidden('this route needs a tenant credential');
        if (requirement.permission && !principal.permissions.has(requirement.permission)) {
          throw forbidden(`this credential lacks the permission ${requirement.permission}`);
        }
        return;
    }
  }

  private limit(key: string): void {
    const result = this.buckets.take(key, this.clock.now().getTime());
    if (!result.allowed) {
      throw new AppError(ErrorKind.RateLimited, 'too many requests for this credential', {
        code: 'rate_limited',
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
  }
}
