import { E164Schema, EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

export const ListCallsQuerySchema = z
  .strictObject({
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Calls that started at or after this instant.'),
    to: z.iso.datetime({ offset: true }).optional().describe('Calls that started before this instant.'),
    direction: z.enum(['inbound', 'outbound']).optional(),
    queueId: EntityIdSchema.optional(),
    agentId: EntityIdSchema.optional(),
    customerId: EntityIdSchema.optional(),
    campaignId: EntityIdSchema.optional(),
    number: E164Schema.optional().describe('The caller or callee, E.164.'),
    recorded: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true')
      .describe('`true`: only calls with a recording.'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'must be after from',
  });
export type ListCallsQuery = z.infer<typeof ListCallsQuerySchema>;

export const RecordingViewSchema = z.object({
  id: z.string(),
  durationMs: z.number().int(),
  format: z.string(),
  consentPlayed: z.boolean(),
  createdAt: z.string().nullable(),
});

export const CallViewSchema = z.object({
  id: z.string(),
  state: z
    .enum(['dialing', 'ringing', 'ivr', 'queued', 'agent_ringing', 'connected', 'on_hold', 'ended'])
    .describe('`ended` for the history; a live call shows where it is now.'),
  direction: z.enum(['inbound', 'outbound']).nullable(),
  from: z.string(),
  to: z.string(),
  queueId: z.string().nullable(),
  agentId: z.string().nullable(),
  customerId: z.string().nullable(),
  campaignId: z.string().nullable(),
  startedAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  waitMs: z.number().int().nullable(),
  talkMs: z.number().int().nullable(),
  holdMs: z.number().int().nullable(),
  hangupBy: z.enum(['caller', 'agent', 'system']).nullable(),
  hangupCause: z.number().int().nullable(),
  disposition: z.string().nullable(),
  recordings: z.array(RecordingViewSchema),
});
export type CallView = z.infer<typeof CallViewSchema>;

export const RecordingUrlSchema = z.object({
  url: z.string().describe('GET it without a credential until `expiresAt`; it streams the audio.'),
  expiresAt: z.string(),
});
export type RecordingUrl = z.infer<typeof RecordingUrlSchema>;

export const RecordingFileQuerySchema = z.strictObject({
  tenant: z.string().max(64),
  expires: z.coerce.number().int().positive(),
  signature: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a signature this API made'),
});
export type RecordingFileQuery = z.infer<typeof RecordingFileQuerySchema>;
