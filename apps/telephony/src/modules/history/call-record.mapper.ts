import { CommonV1, TelephonyV1, toTimestamp } from '@cc/contracts';
import type { CallWithRecordings } from './call-history.repository';

const HANGUP: Record<string, TelephonyV1.HangupSide> = {
  caller: TelephonyV1.HangupSide.HANGUP_SIDE_CUSTOMER,
  agent: TelephonyV1.HangupSide.HANGUP_SIDE_AGENT,
  system: TelephonyV1.HangupSide.HANGUP_SIDE_SYSTEM,
};

export function callRecordToProto(c: CallWithRecordings): TelephonyV1.CallRecord {
  return {
    callId: c.callId,
    direction:
      c.direction === 'inbound'
        ? CommonV1.CallDirection.CALL_DIRECTION_INBOUND
        : CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND,
    fromNumber: c.fromNumber,
    toNumber: c.toNumber,
    queueId: c.queueId ?? '',
    agentId: c.agentId ?? '',
    customerId: c.customerId ?? '',
    campaignId: c.campaignId ?? '',
    startedAt: toTimestamp(c.startedAt),
    answeredAt: c.answeredAt ? toTimestamp(c.answeredAt) : undefined,
    endedAt: toTimestamp(c.endedAt),
    waitMs: c.waitMs,
    ringMs: c.ringMs ?? 0,
    talkMs: c.talkMs,
    holdMs: c.holdMs,
    hangupSide: HANGUP[c.hangupBy] ?? TelephonyV1.HangupSide.HANGUP_SIDE_UNSPECIFIED,
    hangupCause: c.hangupCause ?? 0,
    disposition: c.disposition ?? '',
    recordings: c.recordings.map((r) => ({
      recordingId: r.recordingId,
      durationMs: r.durationMs,
      format: r.format,
      consentPlayed: r.consentPlayed,
      createdAt: toTimestamp(r.createdAt),
    })),
  };
}
