-- Transactional outbox: crm's facts (customer.tier_changed) are written in the transaction that
-- caused them and published to JetStream by the relay (OutboxRelay), so a fact is never lost
-- between a commit and a publish. The envelope id is the JetStream message id: a re-publish after
-- a crash is dropped as a duplicate.

-- CreateTable
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
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- Row-level security (tenantRlsSql() of @cc/platform); the relay reads it as the operator.
ALTER TABLE "outbox_event" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbox_event" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbox_event" USING ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on') WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true) OR current_setting('app.operator', true) = 'on');
