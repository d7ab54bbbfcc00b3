import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';

export const ACD_SCHEMA = 'acd';

const ms = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(600_000).default(fallback);

/** acd's settings: the platform's, its gRPC port, and the timings of the router lease. */
export const AcdConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('acd'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50052),
  /** This replica's name in the lease; unique per process (default: host, pid and a random part). */
  ACD_REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .optional(),
  /**
   * The JetStream KV bucket of the live state (agents, calls, lease); its name also scopes the NATS
   * subjects the replicas talk on, so several stacks (and tests) share one NATS.
   */
  ACD_KV_BUCKET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('acd_router'),
  /** The router lease lasts this long after each renewal. */
  ACD_LEASE_TTL_MS: ms(5_000, 200),
  /** How often every replica renews (holder) or tries to take (others) the lease. */
  ACD_LEASE_RENEW_MS: ms(1_000, 20),
  /** How often the router runs due timers (ring timeouts, wrap-up ends, overflow, max wait). */
  ACD_TICK_MS: ms(100, 5),
  /** How long a follower waits for the router to answer a forwarded command. */
  ACD_FORWARD_TIMEOUT_MS: ms(5_000, 50),
  /** How often the router publishes queue.stats_reported facts (queues with calls); 0 = never. */
  ACD_QUEUE_STATS_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /**
   * How often the router saves the statistics' counters to KV, for a successor to go on from after a
   * failover (what happened since the last save is lost); 0 = never.
   */
  ACD_STATS_SAVE_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** Ring timeout of queues that set none. */
  ACD_DEFAULT_RING_TIMEOUT_MS: ms(30_000, 1_000),
});
export type AcdConfig = z.infer<typeof AcdConfigSchema>;
