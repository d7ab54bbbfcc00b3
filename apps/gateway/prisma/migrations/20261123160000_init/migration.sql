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
CREATE TABLE "tenant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "deleted_at" TIMESTAMPTZ(3),
    "purge_after" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_token" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "user_id" TEXT NOT NULL,
    "family_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_record" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_record" (
    "principal" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "tenant_id" TEXT,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER,
    "body" JSONB,
    "headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("principal","key")
);

-- CreateTable
CREATE TABLE "webhook_subscription" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "fact_types" TEXT[],
    "secret" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_attempt" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "app_user_tenant_id_id_idx" ON "app_user"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "refresh_token_family_id_idx" ON "refresh_token"("family_id");

-- CreateIndex
CREATE INDEX "api_key_tenant_id_id_idx" ON "api_key"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "audit_record_tenant_id_id_idx" ON "audit_record"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "webhook_subscription_tenant_id_id_idx" ON "webhook_subscription"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_subscription_id_event_id_key" ON "webhook_delivery"("subscription_id", "event_id");

-- CreateIndex
CREATE INDEX "webhook_delivery_status_next_attempt_at_idx" ON "webhook_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_tenant_id_subscription_id_id_idx" ON "webhook_delivery"("tenant_id", "subscription_id", "id");

-- CreateIndex
CREATE INDEX "webhook_attempt_tenant_id_delivery_id_idx" ON "webhook_attempt"("tenant_id", "delivery_id");

-- Operator admins are the only users without a tenant.
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_operator_has_no_tenant" CHECK (("role" = 'operator_admin') = ("tenant_id" IS NULL));

-- The tenant table is the operator's: forced RLS lets only operator-wide transactions through.
ALTER TABLE "tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY operator_only ON "tenant" USING (current_setting('app.operator', true) = 'on') WITH CHECK (current_setting('app.operator', true) = 'on');

-- Row-level security on every tenant table (tenantRlsSql() of @cc/platform).
ALTER TABLE "app_user" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "app_user" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "refresh_token" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "refresh_token" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "refresh_token" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "api_key" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_key" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "api_key" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "audit_record" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_record" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "audit_record" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "idempotency_record" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "idempotency_record" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "idempotency_record" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "webhook_subscription" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_subscription" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "webhook_subscription" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "webhook_delivery" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_delivery" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "webhook_delivery" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

ALTER TABLE "webhook_attempt" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_attempt" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "webhook_attempt" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');

-- The consumers' inbox (PROCESSED_EVENT_DDL of @cc/platform).
CREATE TABLE IF NOT EXISTS processed_event (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_event_processed_at_idx ON processed_event (processed_at);
