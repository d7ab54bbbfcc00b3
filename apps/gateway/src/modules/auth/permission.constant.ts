/** What a tenant credential may do; API key scopes are a subset of these. */
export const TENANT_PERMISSIONS = [
  'api_keys:read',
  'api_keys:write',
  'users:read',
  'users:write',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
  'queues:read',
  'queues:write',
  'agents:read',
  'customers:read',
  'customers:write',
  'calls:read',
  'recordings:read',
  'telephony:read',
] as const;
export type TenantPermission = (typeof TENANT_PERMISSIONS)[number];

export const USER_ROLES = ['operator_admin', 'tenant_admin', 'supervisor', 'agent', 'qa_analyst'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type TenantRole = Exclude<UserRole, 'operator_admin'>;
export const TENANT_ROLES = USER_ROLES.filter((r): r is TenantRole => r !== 'operator_admin');

/** Each tenant role's permissions. The operator admin acts only on /admin/v1. */
export const ROLE_PERMISSIONS: Record<TenantRole, readonly TenantPermission[]> = {
  tenant_admin: TENANT_PERMISSIONS,
  supervisor: [
    'users:read',
    'audit:read',
    'webhooks:read',
    'queues:read',
    'queues:write',
    'agents:read',
    'customers:read',
    'customers:write',
    'calls:read',
    'recordings:read',
    'telephony:read',
  ],
  qa_analyst: ['audit:read', 'calls:read', 'recordings:read', 'customers:read'],
  agent: ['customers:read', 'customers:write'],
};
