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
    /** Time the agent leg(s) rang before the answer (added later: optional for older producers). */
    ringMs: z.number().int().nonnegative().optional(),
    /** Q.850 cause of the caller's leg when known (16 normal, 17 busy, 19 no answer, ...). */
    hangupCause: z.number().int().min(0).max(127).optional(),
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

/**
 * A call reached no tenant (unknown DID) and was turned away politely. Published for the operator's
 * tenant id, since no client tenant owns the number.
 */
export const CallRejected = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'rejected',
  version: 1,
  payload: z.object({
    ...CallRef,
    from: PartyNumber,
    to: PartyNumber,
    reason: z.enum(['unknown_did', 'no_flow', 'system_error']),
    node: z.string().max(128).optional(),
  }),
});

/** The IVR finished: where it sent the call and what the caller chose. */
export const IvrCompleted = defineEvent({
  domain: 'telephony',
  entity: 'ivr',
  verb: 'completed',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    flowId: EntityIdSchema,
    outcome: z.enum(['queue', 'message', 'hangup', 'caller_hangup']),
    queueId: EntityIdSchema.optional(),
    /** Step ids in the order the caller went through them. */
    path: z.array(EntityIdSchema).max(200),
    digits: z.string().max(64),
    durationMs: z.number().int().nonnegative(),
  }),
});

/** An agent's phone is ringing for a call (acd's assignment is being offered). */
export const AgentLegRinging = defineEvent({
  domain: 'telephony',
  entity: 'agent_leg',
  verb: 'ringing',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    agentId: EntityIdSchema,
    assignmentId: EntityIdSchema,
    endpoint: z.string().max(256),
  }),
});

/** The agent's leg ended without an answer; the call went back to acd. */
export const AgentLegFailed = defineEvent({
  domain: 'telephony',
  entity: 'agent_leg',
  verb: 'failed',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    agentId: EntityIdSchema,
    assignmentId: EntityIdSchema,
    reason: z.enum(['no_answer', 'busy', 'endpoint_failed', 'revoked', 'stale_assignment']),
    cause: z.number().int().min(0).max(127).optional(),
    ringMs: z.number().int().nonnegative(),
  }),
});

/** Caller and agent are bridged (the call is connected; `call.answered` says the same for statistics). */
export const CallConnected = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'connected',
  version: 1,
  payload: z.object({
    ...CallRef,
    agentId: EntityIdSchema,
    queueId: EntityIdSchema.optional(),
    recording: z.boolean(),
  }),
});

export const CallHeld = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'held',
  version: 1,
  payload: z.object({ callId: EntityIdSchema, agentId: EntityIdSchema.optional() }),
});

export const CallResumed = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'resumed',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    agentId: EntityIdSchema.optional(),
    heldMs: z.number().int().nonnegative(),
  }),
});

/** A blind transfer: to another queue (the call is re-enqueued) or to an external number. */
export const CallTransferred = defineEvent({
  domain: 'telephony',
  entity: 'call',
  verb: 'transferred',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    fromAgentId: EntityIdSchema.optional(),
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('queue'), queueId: EntityIdSchema }),
      z.object({ kind: z.literal('external'), number: PartyNumber }),
    ]),
  }),
});

/** The caller asked to be called back (from the queue, or by leaving a message in the IVR). */
export const CallbackRequested = defineEvent({
  domain: 'telephony',
  entity: 'callback',
  verb: 'requested',
  version: 1,
  payload: z.object({
    callId: EntityIdSchema,
    number: PartyNumber,
    queueId: EntityIdSchema.optional(),
    /** The recorded message, when the caller left one. */
    recordingId: EntityIdSchema.optional(),
    source: z.enum(['queue', 'ivr_message']),
  }),
});

export const telephonyEvents = [
  CallStarted,
  CallQueued,
  CallAnswered,
  CallAbandoned,
  CallEnded,
  RecordingReady,
  CallRejected,
  IvrCompleted,
  AgentLegRinging,
  AgentLegFailed,
  CallConnected,
  CallHeld,
  CallResumed,
  CallTransferred,
  CallbackRequested,
] as const;
