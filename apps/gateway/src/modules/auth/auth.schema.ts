import { z } from 'zod';

export const LoginSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(256),
});
export const RefreshSchema = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});
export const TokenPairSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires.'),
  refreshToken: z
    .string()
    .describe('One use only: each refresh returns a new one; reusing an old one ends the session.'),
});
export const MeSchema = z.object({
  principal: z.string(),
  tenantId: z.string(),
  via: z.enum(['api_key', 'user']),
  role: z.string().optional(),
  permissions: z.array(z.string()),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;
