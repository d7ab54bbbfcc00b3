import { CommonV1, fromTimestamp, TelephonyV1 } from '@cc/contracts';
import type { CallView } from './call.schema';

const HANGUP: Partial<Record<TelephonyV1.HangupSide, CallView['hangupBy']>> = {
  [TelephonyV1.HangupSide.HANGUP_SIDE_CUSTOMER]: 'caller',
  [TelephonyV1.HangupSide.HANGUP_SIDE_AGENT]: 'agent',
  [TelephonyV1.HangupSide.HANGUP_SIDE_SYSTEM]: 'system',
};

const STATE: Partial<Record<TelephonyV1.CallState, CallView['state']>> = {
  [TelephonyV1.CallState.CALL_STATE_DIALING]: 'dialing',
  [TelephonyV1.CallState.CALL_STATE_RINGING]: 'ringing',
  [TelephonyV1.CallState.CALL_STATE_IVR]: 'ivr',
  [TelephonyV1.CallState.CALL_STATE_QUEUED]: 'queued',
  [TelephonyV1.CallState.CALL_STATE_AGENT_RINGING]: 'agent_ringing',
  [TelephonyV1.CallState.CALL_STATE_CONNECTED]: 'connected',
  [TelephonyV1.CallState.CALL_STATE_ON_HOLD]: 'on_hold',
  [TelephonyV1.CallState.CALL_STATE_ENDED]: 'ended',
};

function direction(d: CommonV1.CallDirection): CallView['direction'] {
  return d === CommonV1.CallDirection.CALL_DIRECTION_INBOUND
    ? 'inbound'
    : d === CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND
      ? 'outbound'
      : null;
}

const iso = (t: Parameters<typeof fromTimestamp>[0]): string | null =>
  fromTimestamp(t)?.toISOString() ?? null;

/** An ended call from telephony's history. */
export function callRecordView(c: TelephonyV1.CallRecord): CallView {
  return {
    id: c.callId,
    state: 'ended',
    direction: direction(c.direction),
    from: c.fromNumber,
    to: c.toNumber,
    queueId: c.queueId || null,
    agentId: c.agentId || null,
    customerId: c.customerId || null,
    campaignId: c.campaignId || null,
    startedAt: iso(c.startedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    waitMs: c.waitMs,
    talkMs: c.talkMs,
    holdMs: c.holdMs,
    hangupBy: HANGUP[c.hangupSide] ?? null,
    hangupCause: c.hangupCause || null,
    disposition: c.disposition || null,
    recordings: c.recordings.map((r) => ({
      id: r.recordingId,
      durationMs: r.durationMs,
      format: r.format,
      consentPlayed: r.consentPlayed,
      createdAt: iso(r.createdAt),
    })),
  };
}

/** A live call from telephony's engine. */
export function liveCallView(c: TelephonyV1.Call): CallView {
  return {
    id: c.callId,
    state: STATE[c.state] ?? 'ringing',
    direction: direction(c.direction),
    from: c.caller?.e164 || c.caller?.raw || '',
    to: c.callee?.e164 || c.callee?.raw || '',
    queueId: c.queueId || null,
    agentId: c.agentId || null,
    customerId: null,
    campaignId: c.campaignId || null,
    startedAt: iso(c.startedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: null,
    waitMs: null,
    talkMs: null,
    holdMs: null,
    hangupBy: null,
    hangupCause: null,
    disposition: null,
    recordings: [],
  };
}
