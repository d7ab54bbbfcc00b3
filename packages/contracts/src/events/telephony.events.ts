import { z } from 'zod';
import { EntityIdSchema } from '../common/ids';
import { defineEvent } from './envelope';

/** Phone numbers in call facts are as Asterisk presented them (E.164 where we know it, else raw digits). */
const PartyNumber = z.string().max(64);
const CallDirection = z.enum(['inbound', 'outbound']);

const CallRef = {
  callId: EntityIdSchema,
  direction: CallDirection,
};

/** A call entered the platform (inbound: hit a DID; outbound: originated). */
export const CallStarted = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'started',
  version: 1,
  payload: z.object({
    ...CallRef,
    from: PartyNumber,
    to: PartyNumber,
    did: PartyNumber.optional(),
    campaignId: EntityIdSchema.optional(),
    node: z.string().max(128).optional(),
  }),
});

/** The caller was put into a queue (after the IVR). */
export const CallQueued = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'queued',
  version: 1,
  payload: z.object({
    ...CallRef,
    queueId: EntityIdSchema,
    priority: z.number().int().min(0).max(100),
    skills: z.array(z.object({ skill: EntityIdSchema, minLevel: z.number().int().min(1).max(10) })),
    customerId: EntityIdSchema.optional(),
    valueTier: z.number().int().min(0).max(10).optional(),
  }),
});

/** An agent answered and was bridged with the caller. */
export const CallAnswered = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'answered',
  version: 1,
  payload: z.object({
    ...CallRef,
    queueId: EntityIdSchema.optional(),
    agentId: EntityIdSchema,
    waitMs: z.number().int().nonnegative(),
  }),
});

/** The caller hung up before an agent answered. */
export const CallAbandoned = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'abandoned',
  version: 1,
  payload: z.object({
    ...CallRef,
    queueId: EntityIdSchema.optional(),
    waitMs: z.number().int().nonnegative(),
    stage: z.enum(['ivr', 'queue', 'ringing', 'outbound_no_agent']),
  }),
});

/** The call is over: one fact with everything crm, qa and statistics need. */
export const CallEnded = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'ended',
  version: 1,
  payload: z.object({
    ...CallRef,
    from: PartyNumber,
    to: PartyNumber,
    queueId: EntityIdSchema.optional(),
    agentId: EntityIdSchema.optional(),
    customerId: EntityIdSchema.optional(),
    campaignId: EntityIdSchema.optional(),
    startedAt: z.iso.datetime({ offset: true }),
    answeredAt: z.iso.datetime({ offset: true }).optional(),
    endedAt: z.iso.datetime({ offset: true }),
    waitMs: z.number().int().nonnegative(),
    talkMs: z.number().int().nonnegative(),
    holdMs: z.number().int().nonnegative(),
    holdCount: z.number().int().nonnegative(),
    transferCount: z.number().int().nonnegative(),
    hangupBy: z.enum(['caller', 'agent', 'system']),
    disposition: z.string().max(64).optional(),
    recordingId: EntityIdSchema.optional(),
  }),
});

/** A recording is finished and stored. */
export const RecordingReady = defineEvent({
  domain: 'telephony',
  entity: 'recording',
  verb: 'ready',
  version: 1,
  payload: z.object({
    recordingId: EntityIdSchema,
    callId: EntityIdSchema,
    durationMs: z.number().int().nonnegative(),
    format: z.string().max(16),
    consentPlayed: z.boolean(),
  }),
});

export const telephonyEvents = [
  CallStarted,
  CallQueued,
  CallAnswered,
  CallAbandoned,
  CallEnded,
  RecordingReady,
] as const;
