import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';
import { decodeSecretKey, parseSecretKeys, type SecretKey } from '../infrastructure/secret-cipher.util';

export const GATEWAY_SCHEMA = 'gateway';

/** The gateway's settings: the platform's plus identity, limits and webhook delivery. */
export const GatewayConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('gateway'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The operator's admin tokens, from a Kubernetes Secret: `name=token` (or `name=sha256:<hex>` to
   * keep only the hash in the Secret), comma-separated. Only hashes are kept in memory.
   */
  OPERATOR_TOKENS: z.string().default(''),
  /** HS256 key for access tokens; at least 32 characters. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  /** Token bucket per credential, per replica (see docs/rate-limits.md). */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(40),
  /** Failed authentications per client address (refill per second, burst) before it gets 429s. */
  AUTH_FAILURES_PER_SECOND: z.coerce.number().positive().default(1),
  AUTH_FAILURES_BURST: z.coerce.number().int().positive().default(20),
  BODY_LIMIT: z.string().default('256kb'),
  /** Days a deleted tenant's data is kept before it may be purged. */
  TENANT_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** How often deleted tenants past their retention are purged (0 = never, e.g. a CronJob does it). */
  TENANT_PURGE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Consume facts and deliver webhooks (needs NATS). */
  WEBHOOKS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_BASE_DELAY_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_MAX_DELAY_MS: z.coerce.number().int().min(1).default(3_600_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Allow http:// and private addresses as webhook targets (tests, development only). */
  WEBHOOK_ALLOW_INSECURE_URLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * The services the tenant API fronts: gRPC `host:port` (acd, crm, telephony) and the internal REST
   * base URLs of crm and telephony (docs/adr/0014). A service left unset answers 503 on its routes.
   */
  ACD_GRPC_URL: z.string().min(1).optional(),
  CRM_GRPC_URL: z.string().min(1).optional(),
  TELEPHONY_GRPC_URL: z.string().min(1).optional(),
  CRM_URL: z.url().optional(),
  TELEPHONY_URL: z.url().optional(),
  /** The deadline of every call to a fronted service: a slow or dead one is a quick 503. */
  UPSTREAM_DEADLINE_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
  /** How long one statistics event stream stays open before the client re-connects. */
  STATS_STREAM_MAX_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  /** Lifetime of a recording's signed download URL. */
  RECORDING_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3_600).default(300),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * AES-256-GCM key for secrets kept at rest (webhook signing secrets, replayable responses that
   * carry a key): 32 bytes, base64 (`openssl rand -base64 32`), from a Kubernetes Secret. Required in
   * production; elsewhere a fixed development key is used (see webhookSecretKey).
   */
  WEBHOOK_SECRET_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || decodeSecretKey(v) !== undefined, {
      message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    }),
  /**
   * Key rotation: `id=base64,id2=base64` (ids of 1-32 letters, digits, `_`, `-`). The first key
   * seals new secrets; every key opens what it sealed; at start-up the secrets sealed by an older key
   * are re-sealed with the first. Drop an old key once a deploy with the new one ran (and 24 h passed:
   * replayable idempotent responses are sealed too). Takes precedence over WEBHOOK_SECRET_KEY.
   */
  WEBHOOK_SECRET_KEYS: z
    .string()
    .optional()
    .refine((v) => v === undefined || parseSecretKeys(v) !== undefined, {
      message: 'must be id=key pairs (32-byte base64 keys, distinct ids), comma-separated',
    }),
}).superRefine((config, ctx) => {
  if (
    config.NODE_ENV === 'production' &&
    config.WEBHOOK_SECRET_KEY === undefined &&
    config.WEBHOOK_SECRET_KEYS === undefined
  ) {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET_KEY'], message: 'is required in production' });
  }
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/**
 * Development and tests only (config refuses production without a key): a fixed, public key, so that
 * a developer's database stays readable across restarts. It protects nothing and is not meant to.
 */
const DEVELOPMENT_SECRET_KEY = Buffer.from('cc-gateway-development-only-key!', 'utf8');

/** The key ring: WEBHOOK_SECRET_KEYS, else WEBHOOK_SECRET_KEY alone (id `k1`), else the development key. */
export function webhookSecretKeys(
  config: Pick<GatewayConfig, 'NODE_ENV' | 'WEBHOOK_SECRET_KEY' | 'WEBHOOK_SECRET_KEYS'>,
): SecretKey[] {
  if (config.WEBHOOK_SECRET_KEYS !== undefined) {
    const keys = parseSecretKeys(config.WEBHOOK_SECRET_KEYS);
    if (keys) return keys;
  }
  return [{ id: 'k1', key: webhookSecretKey(config) }];
}

export function webhookSecretKey(config: Pick<GatewayConfig, 'NODE_ENV' | 'WEBHOOK_SECRET_KEY'>): Buffer {
  if (config.WEBHOOK_SECRET_KEY !== undefined) {
    const key = decodeSecretKey(config.WEBHOOK_SECRET_KEY);
    if (key) return key;
  }
  if (config.NODE_ENV === 'production') throw new Error('WEBHOOK_SECRET_KEY is required in production');
  return DEVELOPMENT_SECRET_KEY;
}
