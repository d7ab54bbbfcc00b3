import { z } from 'zod';
import { TENANT_PERMISSIONS } from '../auth/permission.constant';

export const CreateApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(TENANT_PERMISSIONS)).max(TENANT_PERMISSIONS.length).describe('What the key may do.'),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('After this instant the key is refused.'),
});
export const RotateApiKeySchema = z.strictObject({
  gracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(0)
    .describe('How long the old key keeps working, so clients can switch without downtime.'),
});
export const ApiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The start of the key, to recognise it; never enough to use it.'),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export const CreatedApiKeySchema = ApiKeyViewSchema.extend({
  key: z.string().describe('The key itself: shown only in this response.'),
});
export type CreateApiKey = z.infer<typeof CreateApiKeySchema>;
export type RotateApiKey = z.infer<typeof RotateApiKeySchema>;
export type ApiKeyView = z.infer<typeof ApiKeyViewSchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;
