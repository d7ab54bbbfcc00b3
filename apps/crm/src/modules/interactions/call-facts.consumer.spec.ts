import { CallEnded, createEnvelope } from '@cc/contracts';
import { callFactsConsumerDefinitions, interactionFromCallEnded } from './call-facts.consumer';

describe('call facts -> interactions', () => {
  const payload = {
    callId: 'call-1',
    direction: 'outbound' as const,
    from: '+41440000000',
    to: '+41791234567',
    campaignId: 'camp-9',
    agentId: 'agent-1',
    startedAt: '2026-11-23T09:00:00Z',
    endedAt: '2026-11-23T09:03:00Z',
    waitMs: 0,
    talkMs: 170_000,
    holdMs: 5_000,
    holdCount: 1,
    transferCount: 0,
    hangupBy: 'agent' as const,
  };

  it('keys the interaction by the fact id and takes the customer side of the call', () => {
    const envelope = createEnvelope(CallEnded, 't_acme', payload, { id: 'ev-1' });
    expect(interactionFromCallEnded(envelope)).toEqual({
      eventId: 'ev-1',
      phoneNumber: '+41791234567',
      channel: 'call',
      direction: 'outbound',
      callId: 'call-1',
      agentId: 'agent-1',
      campaignId: 'camp-9',
      waitMs: 0,
      talkMs: 170_000,
      holdMs: 5_000,
      occurredAt: new Date('2026-11-23T09:00:00Z'),
      startedAt: new Date('2026-11-23T09:00:00Z'),
      endedAt: new Date('2026-11-23T09:03:00Z'),
    });
    const inbound = createEnvelope(CallEnded, 't_acme', { ...payload, direction: 'inbound' });
    expect(interactionFromCallEnded(inbound).phoneNumber).toBe('+41440000000');
  });

  it('uses one durable for every tenant, or one per tenant where the stream holds only some', () => {
    expect(callFactsConsumerDefinitions('').map((d) => [d.durableName, d.filterSubjects])).toEqual([
      ['crm-call-facts', ['cc.*.telephony.call.ended']],
    ]);
    expect(
      callFactsConsumerDefinitions('T_', ['ta', 'tb']).map((d) => [d.stream, d.filterSubjects[0]]),
    ).toEqual([
      ['T_CC_TELEPHONY', 'cc.ta.telephony.call.ended'],
      ['T_CC_TELEPHONY', 'cc.tb.telephony.call.ended'],
    ]);
  });
});
