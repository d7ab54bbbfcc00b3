import { AsyncLocalStorage } from 'node:async_hooks';
import { isTenantId } from '@cc/contracts';

/**
 * What we know about who is acting, carried implicitly through async calls (HTTP request, gRPC call,
 * NATS message). Logging reads it for every line; repositories require it, so data access outside a
 * tenant is impossible by construction.
 */
export interface TenantContextValue {
  tenantId: string;
  /** The principal acting (user id, api key id, service name), for audit and logs. */
  actor?: string;
}

const storage = new AsyncLocalStorage<TenantContextValue>();

export class MissingTenantContextError extends Error {
  constructor() {
    super('no tenant in context: this code must run inside TenantContext.run()');
    this.name = 'MissingTenantContextError';
  }
}

export const TenantContext = {
  /** Runs `fn` with `tenantId` as the current tenant. Throws on an invalid tenant id. */
  run<T>(value: TenantContextValue, fn: () => T): T {
    if (!isTenantId(value.tenantId)) throw new Error(`invalid tenant id "${String(value.tenantId)}"`);
    return storage.run(value, fn);
  },
  /** The current tenant, or undefined outside a tenant (start-up, operator-wide jobs). */
  current(): TenantContextValue | undefined {
    return storage.getStore();
  },
  /** The current tenant id; throws when there is none. */
  require(): string {
    const value = storage.getStore();
    if (!value) throw new MissingTenantContextError();
    return value.tenantId;
  },
};
