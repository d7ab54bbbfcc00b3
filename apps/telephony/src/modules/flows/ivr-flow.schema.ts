import { z } from 'zod';
import { IANAZone } from 'luxon';

/**
 * An IVR flow: a graph of steps, one tenant's, started by one or more DIDs. Validated as a whole when
 * saved (shape here, graph rules in ivr-flow.validation.ts) so a running call never meets a dangling
 * reference.
 */
const StepId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');
const EntityId = z
  .string()
  .regex(/^[A-Za-z0-9_:.-]{1,128}$/, 'must be an id (letters, digits, "_", ":", ".", "-")');

/** What Asterisk can play: a sound, digits, a number or one of our stored recordings. */
export const MediaUri = z
  .string()
  .max(256)
  .regex(
    /^(sound:[A-Za-z0-9_/-]+|digits:[0-9*#]+|number:-?[0-9]{1,12}|recording:[A-Za-z0-9_:.-]+)$/,
    'must be sound:<name>, digits:<0-9*#>, number:<n> or recording:<name>',
  );
const Prompt = z.array(MediaUri).min(1).max(20);

const TimeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'must be HH:mm');
const OpeningInterval = z
  .object({ from: TimeOfDay, to: TimeOfDay })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`' });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const TimeZoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone');

const PlayStep = z.object({ type: z.literal('play'), media: Prompt, next: StepId });
const MenuStep = z.object({
  type: z.literal('menu'),
  prompt: Prompt,
  /** digit -> next step */
  options: z
    .record(z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #'), StepId)
    .refine((o) => Object.keys(o).length > 0, 'a menu needs at least one option'),
  timeoutMs: z.number().int().min(500).max(60_000),
  /** How many times the prompt is repeated after a timeout or an invalid key before `onFailure`. */
  retries: z.number().int().min(0).max(10),
  invalidPrompt: Prompt,
  onFailure: StepId,
});
const HoursStep = z.object({
  type: z.literal('hours'),
  /** The tenant's zone when omitted. */
  timeZone: TimeZoneSchema.optional(),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(OpeningInterval).max(8)),
  /** Whole days closed, `YYYY-MM-DD` in the zone. */
  holidays: z.array(z.iso.date()).max(366).default([]),
  open: StepId,
  closed: StepId,
});
const SetStep = z
  .object({
    type: z.literal('set'),
    skills: z
      .array(z.object({ skillId: EntityId, minLevel: z.number().int().min(1).max(10) }))
      .max(20)
      .optional(),
    priority: z.number().int().min(0).max(100).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag')
      .optional(),
    next: StepId,
  })
  .refine(
    (s) => s.skills !== undefined || s.priority !== undefined || s.language !== undefined,
    'sets nothing',
  );
const QueueStep = z.object({
  type: z.literal('queue'),
  queueId: EntityId,
  /** Position / expected wait announcement interval; 0 = never; the tenant's setting when omitted. */
  announceEverySeconds: z.number().int().min(0).max(3600).optional(),
  /** The key that leaves the queue for a callback request. */
  callbackDigit: z
    .string()
    .regex(/^[0-9*#]$/)
    .optional(),
  mohClass: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('default'),
});
const MessageStep = z.object({
  type: z.literal('message'),
  prompt: Prompt,
  maxSeconds: z.number().int().min(5).max(600),
  /** Said after the recording, before the hang-up. */
  thanks: Prompt.optional(),
});
const HangupStep = z.object({ type: z.literal('hangup'), prompt: Prompt.optional() });

export const IvrStepSchema = z.discriminatedUnion('type', [
  PlayStep,
  MenuStep,
  HoursStep,
  SetStep,
  QueueStep,
  MessageStep,
  HangupStep,
]);
export type IvrStep = z.infer<typeof IvrStepSchema>;
export type IvrStepOf<T extends IvrStep['type']> = Extract<IvrStep, { type: T }>;

export const IvrFlowDefinitionSchema = z.object({
  start: StepId,
  steps: z
    .record(StepId, IvrStepSchema)
    .refine((s) => Object.keys(s).length > 0, 'a flow needs at least one step')
    .refine((s) => Object.keys(s).length <= 200, 'at most 200 steps'),
});
export type IvrFlowDefinition = z.infer<typeof IvrFlowDefinitionSchema>;
