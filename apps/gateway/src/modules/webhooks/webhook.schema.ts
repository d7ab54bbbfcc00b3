import { acdEvents, telephonyEvents } from '@cc/contracts';
import { z } from 'zod';

/** The fact types a tenant can subscribe to: every event defined in contracts for the consumed domains. */
export const KNOWN_FACT_TYPES: readonly string[] = [...telephonyEvents, ...acdEvents].map((e) => e.type);
export const WEBHOOK_DOMAINS = ['telephony', 'acd'] as const;

const FactType = z.string().refine((t) => t === '*' || KNOWN_FACT_TYPES.includes(t), {
  message: `must be "*" or one of ${KNOWN_FACT_TYPES.join(', ')}`,
});

export const CreateWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  factTypes: z.array(FactType).min(1).max(50),
  description: z.string().max(500).optional(),
});
export const UpdateWebhookSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  factTypes: z.array(FactType).min(1).max(50).optional(),
  description: z.string().max(500).optional(),
  active: z.boolean().optional(),
});
export const WebhookViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  factTypes: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const CreatedWebhookSchema = WebhookViewSchema.extend({
  secret: z.string().describe('The signing secret: shown only in this response.'),
});
export const DeliveryViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export const DeliveryDetailSchema = DeliveryViewSchema.extend({
  payload: z.unknown(),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
      at: z.string(),
    }),
  ),
});
export const DeliveryQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
});
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;
export type UpdateWebhook = z.infer<typeof UpdateWebhookSchema>;
export type WebhookView = z.infer<typeof WebhookViewSchema>;
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;
export type DeliveryQuery = z.infer<typeof DeliveryQuerySchema>;
