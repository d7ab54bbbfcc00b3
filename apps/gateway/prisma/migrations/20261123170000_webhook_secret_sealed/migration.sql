-- Webhook signing secrets are now sealed by the application with AES-256-GCM under WEBHOOK_SECRET_KEY
-- (text form `v1.<iv>.<tag>.<ciphertext>`, authenticated with the subscription id). The column is
-- renamed so that nothing keeps reading it as plain text. Rows written before this migration still
-- hold plain text: the gateway re-seals them at start-up (WebhookSecrets.resealLegacy), and until
-- then reads them as they are.
ALTER TABLE "webhook_subscription" RENAME COLUMN "secret" TO "secret_sealed";
