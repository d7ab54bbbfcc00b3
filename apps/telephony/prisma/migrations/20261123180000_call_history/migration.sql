-- The history of ended calls and the recordings index (projected from telephony's own facts).
CREATE TABLE "call_record" (
    "tenant_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "from_number" TEXT NOT NULL,
    "to_number" TEXT NOT NULL,
    "queue_id" TEXT,
    "agent_id" TEXT,
    "customer_id" TEXT,
    "campaign_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "wait_ms" INTEGER NOT NULL,
    "ring_ms" INTEGER,
    "talk_ms" INTEGER NOT NULL,
    "hold_ms" INTEGER NOT NULL,
    "hangup_by" TEXT NOT NULL,
    "hangup_cause" INTEGER,
    "disposition" TEXT,
    "recording_id" TEXT,

    CONSTRAINT "call_record_pkey" PRIMARY KEY ("tenant_id","call_id")
);

CREATE INDEX "call_record_tenant_id_started_at_call_id_idx" ON "call_record"("tenant_id", "started_at" DESC, "call_id" DESC);

CREATE TABLE "call_recording" (
    "tenant_id" TEXT NOT NULL,
    "recording_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "consent_played" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "call_recording_pkey" PRIMARY KEY ("tenant_id","recording_id")
);

CREATE INDEX "call_recording_tenant_id_call_id_idx" ON "call_recording"("tenant_id", "call_id");

-- The inbox of the history consumer (runOnce of @cc/platform: PROCESSED_EVENT_DDL).
CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);

-- Row-level security (tenantRlsSql of @cc/platform).
ALTER TABLE "call_record" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "call_record" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "call_record"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "call_recording" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "call_recording" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "call_recording"
  USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on')
  WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
