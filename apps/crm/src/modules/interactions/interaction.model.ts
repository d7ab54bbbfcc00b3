import { z } from 'zod';

export const INTERACTION_CHANNELS = ['call', 'note', 'email', 'callback'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export type CallDirection = 'inbound' | 'outbound';

/** Writes one interaction; `eventId` is the idempotency key (the fact's id, or a client's). */
export const RecordInteractionSchema = z
  .object({
    eventId: z.string().min(1).max(128),
    customerId: z.string().min(1).max(128).optional(),
    phoneNumber: z.string().min(1).max(64).optional(),
    channel: z.enum(INTERACTION_CHANNELS),
    direction: z.enum(['inbound', 'outbound']).optional(),
    callId: z.string().min(1).max(128).optional(),
    queueId: z.string().min(1).max(128).optional(),
    agentId: z.string().min(1).max(128).optional(),
    campaignId: z.string().min(1).max(128).optional(),
    waitMs: z.number().int().nonnegative().optional(),
    talkMs: z.number().int().nonnegative().optional(),
    holdMs: z.number().int().nonnegative().optional(),
    disposition: z.string().max(64).optional(),
    recordingRef: z.string().max(256).optional(),
    notes: z.string().max(10_000).optional(),
    occurredAt: z.date().optional(),
    startedAt: z.date().optional(),
    endedAt: z.date().optional(),
  })
  .strict()
  .refine((i) => i.customerId !== undefined || i.phoneNumber !== undefined, {
    path: ['customerId'],
    message: 'name the customer, or give the phone number to find them by',
  });
export type RecordInteractionCommand = z.infer<typeof RecordInteractionSchema>;

export interface InteractionRecord {
  id: string;
  eventId: string;
  customerId: string | null;
  phoneE164: string | null;
  channel: InteractionChannel;
  direction: CallDirection | null;
  callId: string | null;
  queueId: string | null;
  agentId: string | null;
  campaignId: string | null;
  waitMs: number | null;
  talkMs: number | null;
  holdMs: number | null;
  disposition: string | null;
  recordingRef: string | null;
  notes: string | null;
  occurredAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface RecordInteractionResult {
  interactionId: string;
  customerId: string | null;
  /** False when the event id was recorded before (a redelivery or a retried call). */
  created: boolean;
}

/** The first line of the notes, short enough for a pop-up. */
export function summaryOf(notes: string | null, disposition: string | null): string {
  const firstLine = notes?.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const text = firstLine || disposition || '';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
