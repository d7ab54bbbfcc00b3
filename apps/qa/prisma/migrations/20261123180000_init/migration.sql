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
CREATE TABLE "qa_settings" (
    "tenant_id" TEXT NOT NULL,
    "sampling_rules" JSONB NOT NULL,
    "check_limits" JSONB NOT NULL,
    "analyst_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sampling_seed" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "score_window_days" INTEGER NOT NULL DEFAULT 30,
    "default_scorecard_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "qa_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "scorecard" (
    "tenant_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scorecard_pkey" PRIMARY KEY ("tenant_id","id","version")
);

-- CreateTable
CREATE TABLE "call" (
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "direction" TEXT,
    "agent_id" TEXT,
    "queue_id" TEXT,
    "customer_id" TEXT,
    "from_number" TEXT,
    "to_number" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "wait_ms" INTEGER,
    "talk_ms" INTEGER,
    "hold_ms" INTEGER,
    "hold_count" INTEGER,
    "transfer_count" INTEGER,
    "hangup_by" TEXT,
    "disposition" TEXT,
    "recording_id" TEXT,
    "consent_played" BOOLEAN,
    "value_tier" SMALLINT,
    "checks" JSONB,
    "failed_checks" INTEGER NOT NULL DEFAULT 0,
    "sampled" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_pkey" PRIMARY KEY ("tenant_id","call_id")
);

-- CreateTable
CREATE TABLE "agent" (
    "tenant_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "team_id" TEXT,
    "first_call_at" TIMESTAMPTZ(3),
    "score" DOUBLE PRECISION,
    "evaluation_count" INTEGER NOT NULL DEFAULT 0,
    "critical_fail_count" INTEGER NOT NULL DEFAULT 0,
    "score_updated_at" TIMESTAMPTZ(3),

    CONSTRAINT "agent_pkey" PRIMARY KEY ("tenant_id","agent_id")
);

-- CreateTable
CREATE TABLE "sampling_stratum" (
    "tenant_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "week" TEXT NOT NULL,
    "seen" INTEGER NOT NULL DEFAULT 0,
    "picked" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "sampling_stratum_pkey" PRIMARY KEY ("tenant_id","agent_id","week")
);

-- CreateTable
CREATE TABLE "work_item" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "analyst_id" TEXT,
    "reasons" TEXT[],
    "status" TEXT NOT NULL,
    "evaluation_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "work_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "analyst_id" TEXT NOT NULL,
    "scorecard_id" TEXT NOT NULL,
    "scorecard_version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "calibration_id" TEXT,
    "work_item_id" TEXT,
    "status" TEXT NOT NULL,
    "answers" JSONB NOT NULL,
    "result" JSONB,
    "score" DOUBLE PRECISION,
    "percent" DOUBLE PRECISION,
    "critical_failed" BOOLEAN NOT NULL DEFAULT false,
    "recording_id" TEXT,
    "dispute_reason" TEXT,
    "resolution_note" TEXT,
    "resolved_by" TEXT,
    "submitted_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "disputed_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_comment" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "evaluation_id" TEXT NOT NULL,
    "author_id" TEXT NOT NULL,
    "offset_ms" INTEGER,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluation_comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calibration" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "scorecard_id" TEXT NOT NULL,
    "scorecard_version" INTEGER NOT NULL,
    "analyst_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calibration_pkey" PRIMARY KEY ("id")
);

-- CreateTable (PROCESSED_EVENT_DDL of @cc/platform: the idempotent consumers' inbox)
CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);

-- CreateTable (transactional outbox: qa's facts, published by the relay)
CREATE TABLE "outbox_event" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "call_tenant_id_agent_id_ended_at_idx" ON "call"("tenant_id", "agent_id", "ended_at");
CREATE UNIQUE INDEX "work_item_tenant_id_call_id_key" ON "work_item"("tenant_id", "call_id");
CREATE INDEX "work_item_tenant_id_analyst_id_status_created_at_idx" ON "work_item"("tenant_id", "analyst_id", "status", "created_at");
CREATE UNIQUE INDEX "evaluation_tenant_id_calibration_id_analyst_id_key" ON "evaluation"("tenant_id", "calibration_id", "analyst_id");
CREATE INDEX "evaluation_tenant_id_agent_id_submitted_at_idx" ON "evaluation"("tenant_id", "agent_id", "submitted_at");
CREATE INDEX "evaluation_tenant_id_call_id_idx" ON "evaluation"("tenant_id", "call_id");
CREATE INDEX "evaluation_comment_evaluation_id_offset_ms_idx" ON "evaluation_comment"("evaluation_id", "offset_ms");
CREATE INDEX "calibration_tenant_id_created_at_idx" ON "calibration"("tenant_id", "created_at");
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "evaluation_comment" ADD CONSTRAINT "evaluation_comment_evaluation_id_fkey" FOREIGN KEY ("evaluation_id") REFERENCES "evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security (tenantRlsSql() of @cc/platform) on every tenant-owned table.
ALTER TABLE "qa_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "qa_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "qa_settings" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "scorecard" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "scorecard" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "scorecard" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "call" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "call" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "call" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "agent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "agent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "agent" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "sampling_stratum" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sampling_stratum" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sampling_stratum" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "work_item" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "work_item" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "work_item" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "evaluation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "evaluation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "evaluation" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "evaluation_comment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "evaluation_comment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "evaluation_comment" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "calibration" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "calibration" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "calibration" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "outbox_event" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbox_event" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbox_event" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
