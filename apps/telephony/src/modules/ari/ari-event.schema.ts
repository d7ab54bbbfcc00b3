import { z } from 'zod';

/**
 * The ARI events telephony acts on, validated at the edge. Asterisk's events carry many more fields
 * (kept, never needed); an event of a type not listed here is ignored, and one of a listed type
 * without the fields we need is reported and dropped, never allowed to crash a handler.
 */
const CallerId = z.object({ name: z.string().default(''), number: z.string().default('') });

export const AriChannelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().default(''),
  state: z.string().default('Unknown'),
  caller: CallerId.default({ name: '', number: '' }),
});

const base = { application: z.string().optional(), timestamp: z.string().optional() };

const StasisStart = z.object({
  ...base,
  type: z.literal('StasisStart'),
  args: z.array(z.string()).default([]),
  channel: AriChannelSchema,
});
const StasisEnd = z.object({ ...base, type: z.literal('StasisEnd'), channel: AriChannelSchema });
const ChannelStateChange = z.object({
  ...base,
  type: z.literal('ChannelStateChange'),
  channel: AriChannelSchema,
});
const ChannelDtmfReceived = z.object({
  ...base,
  type: z.literal('ChannelDtmfReceived'),
  digit: z.string().min(1).max(1),
  channel: AriChannelSchema,
});
const ChannelHangupRequest = z.object({
  ...base,
  type: z.literal('ChannelHangupRequest'),
  cause: z.number().int().optional(),
  channel: AriChannelSchema,
});
const ChannelDestroyed = z.object({
  ...base,
  type: z.literal('ChannelDestroyed'),
  cause: z.number().int().default(0),
  cause_txt: z.string().default(''),
  channel: AriChannelSchema,
});
const Dial = z.object({
  ...base,
  type: z.literal('Dial'),
  dialstatus: z.string().default(''),
  peer: AriChannelSchema,
});
const Playback = z.looseObject({
  id: z.string().min(1),
  target_uri: z.string().default(''),
  state: z.string().default(''),
});
const PlaybackStarted = z.object({ ...base, type: z.literal('PlaybackStarted'), playback: Playback });
const PlaybackFinished = z.object({ ...base, type: z.literal('PlaybackFinished'), playback: Playback });
const Recording = z.looseObject({
  name: z.string().min(1),
  target_uri: z.string().default(''),
  state: z.string().default(''),
  duration: z.number().optional(),
  format: z.string().default('wav'),
});
const RecordingFinished = z.object({ ...base, type: z.literal('RecordingFinished'), recording: Recording });
const RecordingFailed = z.object({ ...base, type: z.literal('RecordingFailed'), recording: Recording });
const ApplicationReplaced = z.object({ ...base, type: z.literal('ApplicationReplaced') });

export const AriEventSchema = z.discriminatedUnion('type', [
  StasisStart,
  StasisEnd,
  ChannelStateChange,
  ChannelDtmfReceived,
  ChannelHangupRequest,
  ChannelDestroyed,
  Dial,
  PlaybackStarted,
  PlaybackFinished,
  RecordingFinished,
  RecordingFailed,
  ApplicationReplaced,
]);
export type AriEvent = z.infer<typeof AriEventSchema>;
export type AriEventType = AriEvent['type'];
export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;

const KNOWN_TYPES = new Set<string>(AriEventSchema.options.map((o) => o.shape.type.value));

export type ParsedAriMessage =
  | { kind: 'event'; event: AriEvent }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; reason: string };

/** Parses one WebSocket message; never throws. */
export function parseAriMessage(data: string): ParsedAriMessage {
  let json: unknown;
  try {
    json = JSON.parse(data) as unknown;
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!json || typeof json !== 'object' || typeof (json as { type?: unknown }).type !== 'string') {
    return { kind: 'invalid', reason: 'no event type' };
  }
  const type = (json as { type: string }).type;
  if (!KNOWN_TYPES.has(type)) return { kind: 'ignored', type };
  const result = AriEventSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      kind: 'invalid',
      reason: `${type}: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'bad shape'}`,
    };
  }
  return { kind: 'event', event: result.data };
}
