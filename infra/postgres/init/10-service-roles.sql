-- Local compose only (Kubernetes: the CloudNativePG Cluster in infra/k8s/base/postgres/ does the same).
-- Runs once, in database `callcenter`, when the Postgres volume is first created.
--
-- Per service two roles:
--   <svc>      owns the service's schema; the migration job connects as it (migrations create the schema).
--   <svc>_app  what the running service connects as: data access only, never the owner, so that
--              row-level security applies to it (table owners and superusers bypass RLS unless FORCE).
-- Passwords here are development values; they equal the role name.
DO $$
DECLARE
  svc text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['gateway', 'telephony', 'acd', 'crm', 'campaign', 'qa'] LOOP
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', svc, svc);
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', svc || '_app', svc || '_app');
    -- Lets the migration create its own schema (and nothing else at database level).
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE callcenter TO %I', svc);
    EXECUTE format('GRANT CONNECT ON DATABASE callcenter TO %I', svc || '_app');
    -- Whatever the owner role creates later is usable by its _app role without a grant in every
    -- migration. FOR ROLE without IN SCHEMA, because the schema does not exist yet.
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', svc, svc || '_app');
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                   svc, svc || '_app');
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT ON SEQUENCES TO %I', svc, svc || '_app');
  END LOOP;
END
$$;

-- Nobody but the owners creates objects in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
