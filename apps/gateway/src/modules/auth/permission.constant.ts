/** What a tenant credential may do; API key scopes are a subset of these. */
export const TENANT_PERMISSIONS = [
  'api_keys:read',
  'api_keys:write',
  'users:read',
  'users:write',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
] as const;
export type TenantPermission = (typeof TENANT_PERMISSIONS)[number];

export const USER_ROLES = ['operator_admin', 'tenant_admin', 'supervisor', 'agent', 'qa_analyst'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type TenantRole = Exclude<UserRole, 'operator_admin'>;
export const TENANT_ROLES = USER_ROLES.filter((r): r is TenantRole => r !== 'operator_admin');

/** Each tenant role's permissions. The operator admin acts only on /admin/v1. */
export const ROLE_PERMISSIONS: Record<TenantRole, readonly TenantPermission[]> = {
  tenant_admin: TENANT_PERMISSIONS,
  supervisor: ['users:read', 'audit:read', 'webhooks:read'],
  qa_analyst: ['audit:read'],
  agent: [],
};
