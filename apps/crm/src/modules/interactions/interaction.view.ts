import type { InteractionRecord } from './interaction.model';

export function interactionView(i: InteractionRecord) {
  return {
    id: i.id,
    eventId: i.eventId,
    customerId: i.customerId,
    phoneNumber: i.phoneE164,
    channel: i.channel,
    direction: i.direction,
    callId: i.callId,
    queueId: i.queueId,
    agentId: i.agentId,
    campaignId: i.campaignId,
    waitMs: i.waitMs,
    talkMs: i.talkMs,
    holdMs: i.holdMs,
    disposition: i.disposition,
    recordingRef: i.recordingRef,
    notes: i.notes,
    occurredAt: i.occurredAt.toISOString(),
    startedAt: i.startedAt?.toISOString() ?? null,
    endedAt: i.endedAt?.toISOString() ?? null,
  };
}
