import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';

export const CRM_SCHEMA = 'crm';

/** crm's settings: the platform's plus its gRPC port and whether it consumes call facts. */
export const CrmConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('crm'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8083),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50053),
  /** Turn off to run crm without NATS (e.g. a one-off import); readiness then ignores NATS. */
  CRM_CONSUME_CALL_FACTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type CrmConfig = z.infer<typeof CrmConfigSchema>;
