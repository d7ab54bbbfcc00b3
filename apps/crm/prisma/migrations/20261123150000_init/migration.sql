-- Baseline: the app role and its rights on this schema (schemaBaselineSql() of @cc/platform).
DO $$
BEGIN
  BEGIN
    CREATE ROLE "cc_app" NOLOGIN;
  EXCEPTION WHEN duplicate_object THEN NULL;
  END;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO "cc_app"', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "cc_app"', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO "cc_app"', current_schema());
END $$;

-- CreateTable
CREATE TABLE "tenant_settings" (
    "tenant_id" TEXT NOT NULL,
    "default_country" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "top_share" REAL NOT NULL DEFAULT 0.2,
    "high_share" REAL NOT NULL DEFAULT 0.3,
    "medium_share" REAL NOT NULL DEFAULT 0.3,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "custom_field_definition" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "options" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "custom_field_definition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "display_name" TEXT NOT NULL,
    "search_name" TEXT NOT NULL,
    "search_name_reversed" TEXT NOT NULL,
    "language" TEXT,
    "time_zone" TEXT,
    "emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "addresses" JSONB NOT NULL DEFAULT '[]',
    "external_ref" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "custom_fields" JSONB NOT NULL DEFAULT '{}',
    "consent_recording" BOOLEAN NOT NULL DEFAULT false,
    "consent_marketing" BOOLEAN NOT NULL DEFAULT false,
    "lifetime_value_minor" BIGINT NOT NULL DEFAULT 0,
    "value_tier" SMALLINT NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "phone_number" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "e164" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "extension" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'other',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "phone_number_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interaction" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "customer_id" TEXT,
    "phone_e164" TEXT,
    "channel" TEXT NOT NULL,
    "direction" TEXT,
    "call_id" TEXT,
    "queue_id" TEXT,
    "agent_id" TEXT,
    "campaign_id" TEXT,
    "wait_ms" INTEGER,
    "talk_ms" INTEGER,
    "hold_ms" INTEGER,
    "disposition" TEXT,
    "recording_ref" TEXT,
    "notes" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "interaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lead" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "score" SMALLINT NOT NULL,
    "status" TEXT NOT NULL,
    "owner_id" TEXT,
    "next_action" TEXT,
    "next_action_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revenue_record" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "external_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revenue_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dnc_entry" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "e164" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dnc_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operator_dnc_entry" (
    "e164" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_dnc_entry_pkey" PRIMARY KEY ("e164")
);

-- CreateTable (PROCESSED_EVENT_DDL of @cc/platform: the idempotent consumers' inbox)
CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);

-- CreateIndex
CREATE UNIQUE INDEX "custom_field_definition_tenant_id_key_key" ON "custom_field_definition"("tenant_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "customer_tenant_id_external_ref_key" ON "customer"("tenant_id", "external_ref");

-- CreateIndex
CREATE INDEX "customer_tenant_id_id_idx" ON "customer"("tenant_id", "id");

-- CreateIndex: text_pattern_ops (not expressible in schema.prisma) so that prefix LIKE uses the index.
CREATE INDEX "customer_tenant_id_search_name_idx" ON "customer"("tenant_id", "search_name" text_pattern_ops);

-- CreateIndex
CREATE INDEX "customer_tenant_id_search_name_reversed_idx" ON "customer"("tenant_id", "search_name_reversed" text_pattern_ops);

-- CreateIndex
CREATE INDEX "customer_emails_idx" ON "customer" USING GIN ("emails");

-- CreateIndex
CREATE INDEX "customer_tenant_id_lifetime_value_minor_idx" ON "customer"("tenant_id", "lifetime_value_minor");

-- CreateIndex
CREATE INDEX "phone_number_customer_id_idx" ON "phone_number"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "phone_number_tenant_id_e164_key" ON "phone_number"("tenant_id", "e164");

-- CreateIndex
CREATE INDEX "interaction_tenant_id_customer_id_occurred_at_idx" ON "interaction"("tenant_id", "customer_id", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "interaction_tenant_id_phone_e164_idx" ON "interaction"("tenant_id", "phone_e164");

-- CreateIndex
CREATE UNIQUE INDEX "interaction_tenant_id_event_id_key" ON "interaction"("tenant_id", "event_id");

-- CreateIndex
CREATE INDEX "lead_tenant_id_customer_id_status_idx" ON "lead"("tenant_id", "customer_id", "status");

-- CreateIndex
CREATE INDEX "revenue_record_tenant_id_customer_id_idx" ON "revenue_record"("tenant_id", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "revenue_record_tenant_id_external_ref_key" ON "revenue_record"("tenant_id", "external_ref");

-- CreateIndex
CREATE UNIQUE INDEX "dnc_entry_tenant_id_e164_key" ON "dnc_entry"("tenant_id", "e164");

-- AddForeignKey
ALTER TABLE "phone_number" ADD CONSTRAINT "phone_number_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interaction" ADD CONSTRAINT "interaction_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead" ADD CONSTRAINT "lead_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revenue_record" ADD CONSTRAINT "revenue_record_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Domain rules the database enforces too (not expressible in schema.prisma).
ALTER TABLE "lead" ADD CONSTRAINT "lead_score_range" CHECK ("score" BETWEEN 0 AND 100);
ALTER TABLE "customer" ADD CONSTRAINT "customer_value_tier_range" CHECK ("value_tier" BETWEEN 0 AND 4);

-- Row-level security (tenantRlsSql() of @cc/platform) on every tenant-owned table.
ALTER TABLE "tenant_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenant_settings" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "custom_field_definition" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "custom_field_definition" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "custom_field_definition" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "customer" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "customer" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "customer" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "phone_number" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "phone_number" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "phone_number" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "interaction" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "interaction" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "interaction" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "lead" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "lead" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "lead" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "revenue_record" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "revenue_record" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "revenue_record" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
ALTER TABLE "dnc_entry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dnc_entry" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dnc_entry" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

-- The operator's list has no tenant: every tenant reads it (it applies to all of them), only an
-- operator transaction (TenantDb.operator) may change it.
ALTER TABLE "operator_dnc_entry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "operator_dnc_entry" FORCE ROW LEVEL SECURITY;
CREATE POLICY operator_dnc_read ON "operator_dnc_entry" FOR SELECT USING (true);
CREATE POLICY operator_dnc_write ON "operator_dnc_entry" FOR ALL
  USING (current_setting('app.operator', true) = 'on')
  WITH CHECK (current_setting('app.operator', true) = 'on');
