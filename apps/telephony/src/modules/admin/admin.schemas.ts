import { z } from 'zod';
import { MediaUri, TimeZoneSchema } from '../flows/ivr-flow.schema';

/** A dialed number as the trunk delivers it: digits, optionally with a leading `+`. */
export const DidSchema = z.string().regex(/^\+?[0-9]{3,20}$/, 'must be 3-20 digits, optionally after "+"');
export const FlowIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 letters, digits, "_", "." or "-"');

export const PutDidSchema = z.object({
  flowId: FlowIdSchema,
  label: z.string().max(200).default(''),
});

export const SaveFlowSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** Validated as a whole by validateIvrFlow (graph rules included), errors under `definition.`. */
  definition: z.unknown(),
  /** The version the edit started from: a save on top of a newer version is refused (409). */
  expectedVersion: z.number().int().min(0).optional(),
});

export const FlowVersionQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
});

export const SettingsSchema = z.object({
  timeZone: TimeZoneSchema,
  holidays: z.array(z.iso.date()).max(366).default([]),
  recordCalls: z.boolean().default(false),
  consentPrompt: z.array(MediaUri).max(20).default([]),
  safeHarbourPrompt: z.array(MediaUri).min(1).max(20).default(['sound:vm-goodbye']),
  announceEverySeconds: z.number().int().min(0).max(3600).default(30),
});
