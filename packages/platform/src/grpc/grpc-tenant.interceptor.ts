import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Metadata } from '@grpc/grpc-js';
import { GrpcMetadataKey, isTenantId } from '@cc/contracts';
import { finalize, type Observable } from 'rxjs';
import { AppError, ErrorKind } from '../errors/app-error';
import { TenantContext } from '../tenancy/tenant-context';
import { deadlineToMillis, GrpcCallContext } from './grpc-call-context';
import { OPERATOR_SCOPE_KEY } from './operator-scope.decorator';

/** The parts of a grpc-js server call we use (unary and server-streaming calls both have them). */
interface ServerCallLike {
  getDeadline?: () => Date | number;
  getPath?: () => string;
  on?: (event: 'cancelled', listener: () => void) => unknown;
  off?: (event: 'cancelled', listener: () => void) => unknown;
}

function firstString(metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * Resolves the tenant of every gRPC call once, at the edge: reads `x-tenant-id` (and `x-actor`)
 * from the metadata, validates it and runs the handler inside TenantContext.run, so repositories
 * and outgoing calls see it. A missing tenant is UNAUTHENTICATED (the call does not say for whom it
 * acts), a malformed one INVALID_ARGUMENT naming the metadata key; handlers marked @OperatorScope()
 * accept a call without a tenant. Also records the call's deadline and cancellation
 * (GrpcCallContext) so outgoing calls inherit the deadline.
 */
@Injectable()
export class GrpcTenantInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = context.switchToRpc().getContext<Metadata | undefined>();
    const call = context.getArgByIndex<ServerCallLike | undefined>(2);

    const tenantId = firstString(metadata, GrpcMetadataKey.TenantId);
    const actor = firstString(metadata, GrpcMetadataKey.Actor);
    const operatorScope = this.reflector.getAllAndOverride<boolean | undefined>(OPERATOR_SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);

    if (tenantId === undefined && !operatorScope) {
      throw new AppError(
        ErrorKind.Unauthenticated,
        `missing tenant: set the ${GrpcMetadataKey.TenantId} metadata`,
        {
          code: 'grpc.tenant_missing',
        },
      );
    }
    if (tenantId !== undefined && !isTenantId(tenantId)) {
      throw AppError.invalid(
        [
          {
            field: `metadata.${GrpcMetadataKey.TenantId}`,
            rule: 'tenant_id',
            message: 'is not a valid tenant id',
          },
        ],
        `invalid tenant id in ${GrpcMetadataKey.TenantId}`,
      );
    }

    const controller = new AbortController();
    const onCancelled = (): void => controller.abort();
    call?.on?.('cancelled', onCancelled);
    const callContext = {
      method: call?.getPath?.() ?? context.getHandler().name,
      deadline: deadlineToMillis(call?.getDeadline?.()),
      signal: controller.signal,
    };
    const handle = (): Observable<unknown> => GrpcCallContext.run(callContext, () => next.handle());
    const result$ =
      tenantId === undefined
        ? handle()
        : TenantContext.run({ tenantId, ...(actor === undefined ? {} : { actor }) }, handle);
    return result$.pipe(finalize(() => call?.off?.('cancelled', onCancelled)));
  }
}
