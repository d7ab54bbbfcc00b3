import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';

export const TELEPHONY_SCHEMA = 'telephony';

/** telephony's settings: the platform's plus ARI, its peers and its node identity. */
export const TelephonyConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('telephony'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50051),
  ARI_URL: z.url().default('http://127.0.0.1:8088/ari'),
  ARI_USERNAME: z.string().min(1).default('asterisk'),
  ARI_PASSWORD: z.string().min(1).default('asterisk'),
  ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('callcenter'),
  /** The Asterisk node this instance serves; acd sends this node's assignments to it. */
  TELEPHONY_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('node-1'),
  /** This process among the node's active/standby pair (defaults to host name + pid). */
  TELEPHONY_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .optional(),
  /** The node's lease in JetStream KV: how long it lasts without renewal, and how often it is renewed. */
  TELEPHONY_LEASE_TTL_MS: z.coerce.number().int().min(500).max(60_000).default(3_000),
  TELEPHONY_LEASE_RENEW_MS: z.coerce.number().int().min(50).max(20_000).default(750),
  /** The trunk (PJSIP endpoint) external numbers are reached through: transfers and outbound calls. */
  TELEPHONY_TRUNK: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('trunk'),
  ACD_GRPC_URL: z.string().min(1).default('127.0.0.1:50052'),
  CRM_GRPC_URL: z.string().min(1).default('127.0.0.1:50053'),
  CRM_SCREEN_POP_DEADLINE_MS: z.coerce.number().int().min(10).max(2000).default(150),
  /** Facts about calls no tenant owns (unknown DIDs) go to this tenant id. */
  OPERATOR_TENANT_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{1,63}$/)
    .default('operator'),
  /** Demo without admin API: DIDs and flows from a JSON file (validated at start-up) instead of Postgres. */
  TELEPHONY_ENTRY_POINTS_FILE: z.string().optional(),
  /** How long a DID's entry point is cached when no change notice clears it first. */
  TELEPHONY_ENTRY_POINTS_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});
export type TelephonyConfig = z.infer<typeof TelephonyConfigSchema>;
