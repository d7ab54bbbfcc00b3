import { BaseConfigSchema } from '@cc/platform';
import { z } from 'zod';

export const CAMPAIGN_SCHEMA = 'campaign';

/** campaign's settings: the platform's plus its gRPC port and the peers it asks. */
export const CampaignConfigSchema = BaseConfigSchema.extend({
  SERVICE_NAME: BaseConfigSchema.shape.SERVICE_NAME.default('campaign'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8084),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50054),
  ACD_GRPC_URL: z.string().min(1).default('127.0.0.1:50052'),
  CRM_GRPC_URL: z.string().min(1).default('127.0.0.1:50053'),
  TELEPHONY_GRPC_URL: z.string().min(1).default('127.0.0.1:50051'),
  /** Turn off to run without the dialer loop (API only, e.g. to prepare campaigns). */
  CAMPAIGN_DIALER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often the dialer loop paces each running campaign. */
  CAMPAIGN_DIALER_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});
export type CampaignConfig = z.infer<typeof CampaignConfigSchema>;
