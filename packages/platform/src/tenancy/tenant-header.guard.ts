import {
  applyDecorators,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { isTenantId } from '@cc/contracts';
import { AppError, ErrorKind } from '../errors/app-error';
import { TenantContext } from './tenant-context';
import type { Request } from 'express';
import { Observable } from 'rxjs';

export const TENANT_HEADER = 'x-tenant-id';

interface TenantRequest extends Request {
  ccTenantId?: string;
}

/**
 * Resolves the tenant of an internal REST call at the edge, from the `x-tenant-id` header: missing is
 * 401, malformed is 400 naming the header. For services behind the gateway, which puts the tenant of
 * the caller's credential there; network policies let only the gateway reach these routes.
 */
@Injectable()
export class TenantHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const value = request.headers[TENANT_HEADER];
    if (value === undefined) {
      throw new AppError(ErrorKind.Unauthenticated, `missing tenant: send the ${TENANT_HEADER} header`, {
        code: 'tenant_missing',
      });
    }
    if (typeof value !== 'string' || !isTenantId(value)) {
      throw AppError.invalid([
        { field: `headers.${TENANT_HEADER}`, rule: 'tenant_id', message: 'is not a valid tenant id' },
      ]);
    }
    request.ccTenantId = value;
    return true;
  }
}

/** Runs the handler (and everything it awaits) inside the tenant the guard resolved. */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tenantId = context.switchToHttp().getRequest<TenantRequest>().ccTenantId;
    if (tenantId === undefined) return next.handle();
    return new Observable((subscriber) =>
      TenantContext.run({ tenantId }, () => next.handle().subscribe(subscriber)),
    );
  }
}

/** Puts a REST controller behind the tenant edge. */
export const TenantApi = (): ClassDecorator =>
  applyDecorators(UseGuards(TenantHeaderGuard), UseInterceptors(TenantContextInterceptor));
