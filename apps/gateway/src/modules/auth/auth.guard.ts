import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
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

/** The platform kit's controllers: probes and Prometheus, open by design (cluster-internal). */
export const KIT_CONTROLLER_PATHS: readonly string[] = ['health', 'metrics'];

export function isKitController(controller: object): boolean {
  const path: unknown = Reflect.getMetadata(PATH_METADATA, controller);
  return typeof path === 'string' && KIT_CONTROLLER_PATHS.includes(path);
}

/**
 * Authenticates, authorises and rate-limits every route that declares @Authenticated or @Public.
 * Routes of the platform kit (health, metrics) declare neither and pass through; any other route
 * without a rule is refused, so a forgotten decorator closes a route instead of opening it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly buckets: TokenBuckets;
  private readonly failures: TokenBuckets;

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
    this.failures = new TokenBuckets({
      ratePerSecond: config.AUTH_FAILURES_PER_SECOND,
      burst: config.AUTH_FAILURES_BURST,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const requirement = this.reflector.getAllAndOverride<RouteAuth | undefined>(AUTH_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) {
      // Fail closed: only the platform kit's own controllers (health, metrics) declare no rule.
      if (isKitController(context.getClass())) return true;
      throw forbidden('this route declares no access rule');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (requirement.audience === 'public') {
      this.limit(`ip:${request.ip ?? 'unknown'}`);
      return true;
    }
    const principal = await this.authenticateThrottled(request);
    this.authorize(principal, requirement);
    this.limit(principal.id);
    request.principal = principal;
    return true;
  }

  /**
   * Failed authentications cost an argon2 verification each and are how keys get guessed: they are
   * counted per client address, and once that bucket is empty the address is refused (429) before
   * any credential is checked, until it refills.
   */
  private async authenticateThrottled(request: AuthenticatedRequest): Promise<Principal> {
    const client = `ip:${request.ip ?? 'unknown'}`;
    const now = this.clock.now().getTime();
    const state = this.failures.peek(client, now);
    if (!state.allowed) {
      throw new AppError(ErrorKind.RateLimited, 'too many failed authentications from this address', {
        code: 'rate_limited',
        retryAfterSeconds: state.retryAfterSeconds,
      });
    }
    try {
      return await this.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof AppError && error.kind === ErrorKind.Unauthenticated)
        this.failures.take(client, now);
      throw error;
    }
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
