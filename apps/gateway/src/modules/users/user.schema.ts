import { z } from 'zod';
import { TENANT_ROLES } from '../auth/permission.constant';

const Password = z.string().min(12, 'must be at least 12 characters').max(256);
export const CreateUserSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(TENANT_ROLES),
  password: Password,
});
export const UpdateUserSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: z.enum(TENANT_ROLES).optional(),
  disabled: z.boolean().optional(),
  password: Password.optional(),
});
export const UserViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type CreateUser = z.infer<typeof CreateUserSchema>;
export type UpdateUser = z.infer<typeof UpdateUserSchema>;
export type UserView = z.infer<typeof UserViewSchema>;
export const UserIdSchema = z.string().regex(/^usr_[a-z0-9]{1,64}$/, 'is not a user id');
