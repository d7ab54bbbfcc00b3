import { E164Schema, EntityIdSchema, TelephonyV1 } from '@cc/contracts';
import { z } from 'zod';

/** Request schemas of the telephony contract: parseRequest names the field of every broken rule. */

const callId = EntityIdSchema;
/** What Asterisk can dial: `TECH/resource` (PJSIP/agent-1001, Local/2001@agents). */
const Endpoint = z.string().regex(/^[A-Za-z]+\/[A-Za-z0-9_.@+:-]{1,120}$/, 'must be TECH/resource');

export const CallRefSchema = z.object({ callId });

export const HangupCallSchema = z.object({
  callId,
  reason: z.string().max(200),
  requestedBy: z.union(
    [
      z.literal(TelephonyV1.HangupSide.HANGUP_SIDE_UNSPECIFIED),
      z.literal(TelephonyV1.HangupSide.HANGUP_SIDE_AGENT),
      z.literal(TelephonyV1.HangupSide.HANGUP_SIDE_SYSTEM),
    ],
    { message: 'only AGENT or SYSTEM may ask (the customer hangs up on the phone)' },
  ),
});

export const TransferCallSchema = z
  .object({
    callId,
    queueId: EntityIdSchema.optional(),
    externalNumber: E164Schema.optional(),
  })
  .refine((r) => (r.queueId === undefined) !== (r.externalNumber === undefined), {
    message: 'exactly one of queue_id and external_number',
    path: ['target'],
  });

export const StartMonitoringSchema = z.object({
  callId,
  supervisorId: EntityIdSchema,
  supervisorEndpoint: Endpoint,
  mode: z.union(
    [
      z.literal(TelephonyV1.MonitoringMode.MONITORING_MODE_LISTEN),
      z.literal(TelephonyV1.MonitoringMode.MONITORING_MODE_WHISPER),
    ],
    { message: 'must be LISTEN or WHISPER' },
  ),
});

export const StopMonitoringSchema = z.object({ callId, monitoringId: z.string().min(1).max(200) });

export const OriginateCallSchema = z.object({
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,128}$/, 'must be 1-128 letters, digits, "_", ":", "." or "-"'),
  campaignId: EntityIdSchema,
  contactId: z.string().max(128),
  destination: E164Schema,
  /** Always presented: an outbound call without caller id is refused. */
  callerId: E164Schema,
  trunkId: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a trunk name')]),
  /** 0 = the default (30 s); otherwise at least 15 s, so a customer has time to pick up. */
  ringTimeoutSeconds: z.union([z.literal(0), z.number().int().min(15).max(120)]),
  variables: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a variable name'), z.string().max(256))
    .refine((v) => Object.keys(v).length <= 20, 'at most 20 variables'),
  agentId: z.string().max(128),
  fencingToken: z.number().int().nonnegative(),
  queueId: EntityIdSchema,
  maxConnectDelayMs: z.number().int().min(0).max(2_000),
});

const OptionalTimestamp = z.object({ seconds: z.number(), nanos: z.number() }).optional();
const optionalId = z.union([z.literal(''), EntityIdSchema]);

export const ListCallsSchema = z.object({
  page: z.object({ pageSize: z.number().int().min(0).max(500), cursor: z.string().max(512) }).optional(),
  startedFrom: OptionalTimestamp,
  startedBefore: OptionalTimestamp,
  direction: z.number().int().min(0).max(2),
  queueId: optionalId,
  agentId: optionalId,
  customerId: optionalId,
  campaignId: optionalId,
  number: z.union([z.literal(''), E164Schema]),
  recordedOnly: z.boolean(),
});
export const GetCallRecordSchema = CallRefSchema;
