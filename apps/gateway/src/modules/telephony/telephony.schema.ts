import { z } from 'zod';

/** A dialed number as the trunk delivers it (telephony's rule). */
export const DidSchema = z.string().regex(/^\+?[0-9]{3,20}$/, 'must be 3-20 digits, optionally after "+"');
export const FlowIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 letters, digits, "_", "." or "-"');

export const DidViewSchema = z.object({
  did: z.string(),
  flowId: z.string(),
  label: z.string(),
  updatedAt: z.string(),
});
export type DidView = z.infer<typeof DidViewSchema>;

export const PutDidSchema = z.strictObject({
  flowId: FlowIdSchema,
  label: z.string().max(200).default(''),
});
export type PutDid = z.infer<typeof PutDidSchema>;

export const FlowSummarySchema = z.object({
  flowId: z.string(),
  name: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

export const FlowViewSchema = FlowSummarySchema.extend({
  definition: z.record(z.string(), z.unknown()).describe('The IVR flow: `start` and its `steps`.'),
});
export type FlowView = z.infer<typeof FlowViewSchema>;

export const FlowVersionQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).optional().describe('An older version; absent = current.'),
});

/** An IVR flow: where it starts and its steps (their rules and the graph's are telephony's). */
export const FlowDefinitionSchema = z.strictObject({
  start: z.string().min(1).max(64),
  steps: z.record(z.string().max(64), z.record(z.string(), z.unknown())),
});

/** The flow's graph rules are telephony's: it answers every broken one under `body.definition.`. */
export const SaveFlowSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  definition: FlowDefinitionSchema,
  expectedVersion: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The version the edit started from; a newer one makes the save a 409.'),
});
export type SaveFlow = z.infer<typeof SaveFlowSchema>;

export const TelephonySettingsSchema = z.strictObject({
  timeZone: z.string().min(1).max(64),
  holidays: z.array(z.iso.date()).max(366).default([]),
  recordCalls: z.boolean().default(false),
  consentPrompt: z.array(z.string().min(1).max(256)).max(20).default([]),
  safeHarbourPrompt: z.array(z.string().min(1).max(256)).min(1).max(20).default(['sound:vm-goodbye']),
  announceEverySeconds: z.number().int().min(0).max(3600).default(30),
});
export type TelephonySettings = z.infer<typeof TelephonySettingsSchema>;
export const TelephonySettingsViewSchema = z.record(z.string(), z.unknown());
