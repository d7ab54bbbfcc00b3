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

-- The consumers' inbox (PROCESSED_EVENT_DDL of @cc/platform): one row per fact handled.
CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);

-- CreateTable
CREATE TABLE "campaign" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "queue_id" TEXT NOT NULL,
    "caller_id" TEXT NOT NULL,
    "trunk_id" TEXT,
    "ring_timeout_seconds" INTEGER NOT NULL DEFAULT 25,
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "abandon_limit" REAL NOT NULL DEFAULT 0.03,
    "retry_rules" JSONB NOT NULL,
    "restrictions" JSONB NOT NULL DEFAULT '{}',
    "priority_keys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "cadence" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "customer_id" TEXT,
    "name" TEXT,
    "time_zone" TEXT,
    "lead_score" INTEGER,
    "value_tier" INTEGER,
    "due_at" TIMESTAMPTZ(3),
    "cadence_date" TEXT,
    "cadence_done" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "outcomes" JSONB NOT NULL DEFAULT '{}',
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_outcome" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attempt" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "call_id" TEXT,
    "agent_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'dialing',
    "outcome" TEXT,
    "callee_zones" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "within_window" BOOLEAN NOT NULL,
    "cadence_step" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entry" (
    "tenant_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "attempt_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("attempt_id","kind")
);

-- CreateTable
CREATE TABLE "dial_block" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dial_block_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "campaign_tenant_id_state_idx" ON "campaign"("tenant_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "contact_tenant_id_campaign_id_phone_key" ON "contact"("tenant_id", "campaign_id", "phone");

-- CreateIndex
CREATE INDEX "contact_tenant_id_campaign_id_state_next_attempt_at_idx" ON "contact"("tenant_id", "campaign_id", "state", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "attempt_tenant_id_call_id_key" ON "attempt"("tenant_id", "call_id");

-- CreateIndex
CREATE INDEX "attempt_tenant_id_campaign_id_started_at_idx" ON "attempt"("tenant_id", "campaign_id", "started_at");

-- CreateIndex
CREATE INDEX "ledger_entry_tenant_id_campaign_id_occurred_at_idx" ON "ledger_entry"("tenant_id", "campaign_id", "occurred_at");

-- CreateIndex
CREATE INDEX "dial_block_tenant_id_campaign_id_occurred_at_idx" ON "dial_block"("tenant_id", "campaign_id", "occurred_at");

-- AddForeignKey
ALTER TABLE "contact" ADD CONSTRAINT "contact_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attempt" ADD CONSTRAINT "attempt_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Domain rules the database enforces too (not expressible in schema.prisma).
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_mode_valid" CHECK ("mode" IN ('preview', 'progressive', 'predictive'));
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_state_valid" CHECK ("state" IN ('draft', 'running', 'paused', 'stopped'));
-- Ring at least 15 s before giving up; the legal limit may only be tightened.
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_ring_timeout_min" CHECK ("ring_timeout_seconds" >= 15);
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_abandon_limit_range" CHECK ("abandon_limit" > 0 AND "abandon_limit" <= 0.03);
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_kind_valid" CHECK ("kind" IN ('dial', 'live_answer', 'abandoned'));

-- Row-level security (tenantRlsSql() of @cc/platform) on every tenant-owned table.
ALTER TABLE "campaign" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "contact" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "attempt" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "attempt" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "attempt" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "ledger_entry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ledger_entry" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ledger_entry" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "dial_block" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dial_block" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dial_block" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
