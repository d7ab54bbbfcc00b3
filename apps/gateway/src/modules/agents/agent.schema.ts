import { AgentStateSchema, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

export const AgentStatusViewSchema = z.object({
  state: AgentStateSchema,
  reasonCode: z.string().nullable(),
  since: z.string().nullable(),
  /** Only a call of the viewer's own tenant is named. */
  callId: z.string().nullable(),
});

export const SkillLevelSchema = z.strictObject({
  skillId: EntityIdSchema,
  level: z.number().int().min(1).max(10),
});

/** An agent of the shared pool as a tenant sees it: its profile within that tenant only. */
export const AgentViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  skills: z.array(z.object({ skillId: z.string(), level: z.number().int() })),
  queueIds: z.array(z.string()),
  status: AgentStatusViewSchema.nullable(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

/** The operator's view: every tenant profile and the endpoint. */
export const PoolAgentViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  endpoint: z.string(),
  qualityScore: z.number(),
  profiles: z.array(
    z.object({
      tenantId: z.string(),
      skills: z.array(z.object({ skillId: z.string(), level: z.number().int() })),
      queueIds: z.array(z.string()),
    }),
  ),
  status: AgentStatusViewSchema.nullable(),
});
export type PoolAgentView = z.infer<typeof PoolAgentViewSchema>;

export const UpsertAgentSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(200),
  endpoint: z
    .string()
    .min(3)
    .max(200)
    .regex(/^[A-Za-z0-9]+\/[A-Za-z0-9_@.:+-]+$/, 'must be an Asterisk endpoint such as PJSIP/agent-1001'),
  qualityScore: z.number().min(0).max(100).default(0),
});
export type UpsertAgent = z.infer<typeof UpsertAgentSchema>;

export const AgentProfileSchema = z.strictObject({
  skills: z.array(SkillLevelSchema).max(200),
  queueIds: z.array(EntityIdSchema).max(1_000).default([]),
});
export type AgentProfileInput = z.infer<typeof AgentProfileSchema>;
