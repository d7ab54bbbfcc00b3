-- Baseline: the app role and its rights on this schema (schemaBaselineSql() of @cc/platform).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cc_app') THEN
    BEGIN
      CREATE ROLE "cc_app" NOLOGIN;
    EXCEPTION
      WHEN duplicate_object THEN NULL;
      -- A deployment's schema owner may not create roles; it grants its own <svc>_app role instead.
      WHEN insufficient_privilege THEN RAISE NOTICE 'role cc_app not created: no CREATEROLE'; RETURN;
    END;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO "cc_app"', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "cc_app"', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO "cc_app"', current_schema());
END $$;

-- CreateTable
CREATE TABLE "tenant_settings" (
    "tenant_id" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "skill" (
    "tenant_id" TEXT NOT NULL,
    "skill_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "skill_pkey" PRIMARY KEY ("tenant_id","skill_id")
);

-- CreateTable
CREATE TABLE "queue" (
    "tenant_id" TEXT NOT NULL,
    "queue_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rules" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "queue_pkey" PRIMARY KEY ("tenant_id","queue_id")
);

-- CreateTable
CREATE TABLE "agent" (
    "agent_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "quality_score" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_pkey" PRIMARY KEY ("agent_id")
);

-- CreateTable
CREATE TABLE "agent_profile" (
    "tenant_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "skills" JSONB NOT NULL,
    "queue_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_profile_pkey" PRIMARY KEY ("tenant_id","agent_id")
);

-- CreateTable
CREATE TABLE "routing_history" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "queue_id" TEXT NOT NULL,
    "fact" TEXT NOT NULL,
    "agent_id" TEXT,
    "fencing_token" BIGINT,
    "reason" TEXT,
    "wait_ms" INTEGER,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "routing_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agent_profile_agent_id_idx" ON "agent_profile"("agent_id");

-- CreateIndex
CREATE INDEX "routing_history_tenant_id_call_id_idx" ON "routing_history"("tenant_id", "call_id");

-- CreateIndex
CREATE INDEX "routing_history_tenant_id_at_idx" ON "routing_history"("tenant_id", "at");

-- AddForeignKey
ALTER TABLE "agent_profile" ADD CONSTRAINT "agent_profile_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("agent_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security: tenant tables see only the transaction's tenant (or the operator).
ALTER TABLE "tenant_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenant_settings" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "skill" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "skill" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "skill" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "queue" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "queue" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "queue" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "agent_profile" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "agent_profile" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "agent_profile" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "routing_history" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "routing_history" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "routing_history" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

-- The agent belongs to the operator: every tenant may read it, only operator transactions change it.
ALTER TABLE "agent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "agent" FORCE ROW LEVEL SECURITY;
CREATE POLICY agent_read ON "agent" FOR SELECT USING (true);
CREATE POLICY agent_operator_write ON "agent" FOR ALL USING (current_setting('app.operator', true) = 'on') WITH CHECK (current_setting('app.operator', true) = 'on');
