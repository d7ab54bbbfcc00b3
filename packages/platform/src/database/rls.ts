import { quoteIdent } from './pg-pool';

/** The role services act as (see createPgPool); deployments make their login users members of it. */
export const APP_ROLE = 'cc_app';

/**
 * SQL for the first migration of a service's schema: the app role, its rights on the schema, and
 * default privileges so that tables created by later migrations are usable by it too. Like Prisma's
 * own migrations it names no schema: it acts on the current one (the service's, from the search path).
 */
export function schemaBaselineSql(role = APP_ROLE): string {
  const r = quoteIdent(role);
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
    BEGIN
      CREATE ROLE ${r} NOLOGIN;
    EXCEPTION
      WHEN duplicate_object THEN NULL;
      -- A deployment's schema owner may not create roles; it grants its own <svc>_app role instead.
      WHEN insufficient_privilege THEN RAISE NOTICE 'role ${role} not created: no CREATEROLE'; RETURN;
    END;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${r}', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO ${r}', current_schema());
END $$;`;
}

/**
 * SQL that puts a tenant-owned table behind row-level security: a row is visible and writable only
 * when its tenant_id equals the transaction's `app.tenant_id`, or when the operator said so.
 * FORCE makes the policy apply to the table's owner too.
 */
export function tenantRlsSql(table: string, tenantColumn = 'tenant_id'): string {
  const t = quoteIdent(table);
  const c = quoteIdent(tenantColumn);
  const predicate = `(${c} = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')`;
  return [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY tenant_isolation ON ${t} USING ${predicate} WITH CHECK ${predicate};`,
  ].join('\n');
}

/** Lists tables of `schema` that have a tenant column but no enforced tenant policy. */
export const UNPROTECTED_TENANT_TABLES_SQL = `
SELECT c.relname AS table
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $2 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relkind = 'r'
  AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity
       OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
ORDER BY 1`;
