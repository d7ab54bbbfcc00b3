import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';

export const QA_SCHEMA = 'qa';

/** qa's settings: the platform's plus its gRPC port and whether it consumes call facts. */
export const QaConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('qa'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8085),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50055),
  /** Turn off to run qa without NATS (no call facts in, facts wait in the outbox); readiness then ignores NATS. */
  QA_CONSUME_CALL_FACTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often each replica looks for scores whose evaluations aged out of the window; 0 turns it off. */
  QA_SCORE_AGEING_INTERVAL_MS: z.coerce.number().int().min(0).default(600_000),
});
export type QaConfig = z.infer<typeof QaConfigSchema>;
