import { SetMetadata } from '@nestjs/common';

export const OPERATOR_SCOPE_KEY = 'cc:grpc:operator-scope';

/**
 * Marks a gRPC handler (or a whole controller) as operator-wide: it may be called without an
 * `x-tenant-id` (e.g. agent state of the shared pool, a telephony node's assignment stream). A tenant
 * that is present is still validated and put in the TenantContext.
 */
export const OperatorScope = (): MethodDecorator & ClassDecorator => SetMetadata(OPERATOR_SCOPE_KEY, true);
