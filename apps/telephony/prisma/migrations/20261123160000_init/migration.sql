-- Baseline: the app role and its rights on this schema (schemaBaselineSql of @cc/platform).
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
CREATE TABLE "ivr_flow" (
    "tenant_id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "current_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ivr_flow_pkey" PRIMARY KEY ("tenant_id","flow_id")
);

-- CreateTable
CREATE TABLE "ivr_flow_version" (
    "tenant_id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ivr_flow_version_pkey" PRIMARY KEY ("tenant_id","flow_id","version")
);

-- CreateTable
CREATE TABLE "did" (
    "did" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "did_pkey" PRIMARY KEY ("did")
);

-- CreateTable
CREATE TABLE "tenant_settings" (
    "tenant_id" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "record_calls" BOOLEAN NOT NULL DEFAULT false,
    "consent_prompt" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "safe_harbour_prompt" TEXT[] DEFAULT ARRAY['sound:vm-goodbye']::TEXT[],
    "announce_every_seconds" INTEGER NOT NULL DEFAULT 30,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateIndex
CREATE INDEX "did_tenant_id_idx" ON "did"("tenant_id");

-- CreateIndex
CREATE INDEX "did_tenant_id_flow_id_idx" ON "did"("tenant_id", "flow_id");

-- AddForeignKey
ALTER TABLE "did" ADD CONSTRAINT "did_tenant_id_flow_id_fkey" FOREIGN KEY ("tenant_id", "flow_id") REFERENCES "ivr_flow"("tenant_id", "flow_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ivr_flow_version" ADD CONSTRAINT "ivr_flow_version_tenant_id_flow_id_fkey" FOREIGN KEY ("tenant_id", "flow_id") REFERENCES "ivr_flow"("tenant_id", "flow_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security on every tenant table (tenantRlsSql of @cc/platform).
ALTER TABLE "did" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "did" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "did"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "ivr_flow" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ivr_flow" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ivr_flow"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "ivr_flow_version" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ivr_flow_version" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ivr_flow_version"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "tenant_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenant_settings"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
