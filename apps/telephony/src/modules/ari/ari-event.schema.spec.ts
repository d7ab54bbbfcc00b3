import { parseAriMessage } from './ari-event.schema';

describe('parseAriMessage', () => {
  it('parses the events we act on, keeping Asterisk fields we do not need out of the way', () => {
    const parsed = parseAriMessage(
      JSON.stringify({
        type: 'StasisStart',
        args: ['inbound', '5551000'],
        channel: {
          id: '1.1',
          name: 'PJSIP/sipp-1',
          state: 'Ring',
          caller: { name: 'x', number: '15550001111' },
          language: 'en',
        },
      }),
    );
    expect(parsed).toMatchObject({
      kind: 'event',
      event: { type: 'StasisStart', args: ['inbound', '5551000'], channel: { id: '1.1' } },
    });
    expect(
      parseAriMessage(JSON.stringify({ type: 'ChannelHangupRequest', channel: { id: '1.1' } })),
    ).toMatchObject({ kind: 'event', event: { type: 'ChannelHangupRequest', channel: { id: '1.1' } } });
  });

  it('ignores event types it does not handle and reports broken messages without throwing', () => {
    expect(parseAriMessage(JSON.stringify({ type: 'ChannelVarset', variable: 'X' }))).toEqual({
      kind: 'ignored',
      type: 'ChannelVarset',
    });
    expect(parseAriMessage('{not json')).toEqual({ kind: 'invalid', reason: 'not JSON' });
    expect(parseAriMessage('42')).toEqual({ kind: 'invalid', reason: 'no event type' });
    expect(parseAriMessage(JSON.stringify({ type: 'StasisStart', channel: {} }))).toMatchObject({
      kind: 'invalid',
    });
    expect(
      parseAriMessage(JSON.stringify({ type: 'ChannelDtmfReceived', digit: 12, channel: { id: 'a' } })),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('digit') });
  });
});
