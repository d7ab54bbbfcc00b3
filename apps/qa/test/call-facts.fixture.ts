import { CallEnded, createEnvelope, type EventEnvelope, type PayloadOf, RecordingReady } from '@cc/contracts';
import { randomSuffix } from '@cc/testing';

/** A call.ended fact of an answered inbound call that passes every check unless overridden. */
export function callEnded(
  tenantId: string,
  overrides: Partial<PayloadOf<typeof CallEnded>> = {},
): EventEnvelope<PayloadOf<typeof CallEnded>> {
  return createEnvelope(CallEnded, tenantId, {
    callId: `call-${randomSuffix()}`,
    direction: 'inbound',
    from: '+41795550011',
    to: '+41440000000',
    queueId: 'support',
    agentId: 'agent-1',
    startedAt: '2026-11-23T09:00:00Z',
    answeredAt: '2026-11-23T09:00:20Z',
    endedAt: '2026-11-23T09:05:00Z',
    waitMs: 20_000,
    talkMs: 280_000,
    holdMs: 0,
    holdCount: 0,
    transferCount: 0,
    hangupBy: 'caller',
    disposition: 'resolved',
    ...overrides,
  });
}

export function recordingReady(
  tenantId: string,
  callId: string,
  consentPlayed: boolean,
): EventEnvelope<PayloadOf<typeof RecordingReady>> {
  return createEnvelope(RecordingReady, tenantId, {
    recordingId: `rec-${callId}`,
    callId,
    durationMs: 280_000,
    format: 'wav',
    consentPlayed,
  });
}
