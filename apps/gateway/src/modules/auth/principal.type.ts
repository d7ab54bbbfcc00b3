import type { TenantPermission, UserRole } from './permission.constant';

/** Who is calling, resolved once from the credential. The tenant comes only from here. */
export type Principal =
  | { kind: 'operator'; id: string; via: 'operator_token' | 'user' }
  | {
      kind: 'tenant';
      id: string;
      tenantId: string;
      via: 'api_key' | 'user';
      role?: UserRole;
      permissions: ReadonlySet<TenantPermission>;
    };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

/** The actor written to the audit log: `operator:<name>`, `user:<id>`, `api_key:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.id;
}
