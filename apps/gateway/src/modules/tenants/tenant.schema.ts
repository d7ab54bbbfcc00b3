import { TenantIdSchema } from '@cc/contracts';
import { z } from 'zod';

export const CreateTenantSchema = z.strictObject({
  id: TenantIdSchema.describe('The tenant id: it appears in event subjects, so it is a slug.'),
  name: z.string().trim().min(1).max(200),
});
export const UpdateTenantSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  status: z
    .enum(['active', 'suspended'])
    .optional()
    .describe('Suspend to refuse every credential of the tenant.'),
});
export const TenantViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended', 'deleted']),
  deletedAt: z.string().nullable(),
  purgeAfter: z.string().nullable().describe("When a deleted tenant's data may be purged."),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CreateTenant = z.infer<typeof CreateTenantSchema>;
export type UpdateTenant = z.infer<typeof UpdateTenantSchema>;
export type TenantView = z.infer<typeof TenantViewSchema>;
export const TenantIdParamSchema = TenantIdSchema;
