/* eslint-disable @typescript-eslint/no-explicit-any -- events are read as loose JSON */
import { ManualClock } from './clock';
import { AsteriskWorld, parseCallerId } from './world';

/** The world is pure: driven here without any server, observing what the bus delivers. */
function setup(): { world: AsteriskWorld; clock: ManualClock; events: Record<string, any>[] } {
  const clock = new ManualClock();
  const world = new AsteriskWorld({ clock });
  const events: Record<string, any>[] = [];
  world.bus.attach(
    'callcenter',
    { send: (json) => events.push(JSON.parse(json) as Record<string, any>) },
    false,
  );
  return { world, clock, events };
}

describe('AsteriskWorld', () => {
  it('parses caller ids', () => {
    expect(parseCallerId('"Queue" <5551000>')).toEqual({ name: 'Queue', number: '5551000' });
    expect(parseCallerId('Sales <+15551000>')).toEqual({ name: 'Sales', number: '+15551000' });
    expect(parseCallerId('5551000')).toEqual({ name: '', number: '5551000' });
  });

  it('Local busy: Dial BUSY, ;1 destroyed with cause 0, ;2 with 17', () => {
    const { world, events } = setup();
    world.originate({ endpoint: 'Local/1001@agents-busy', app: 'callcenter', appArgs: 'agent,x' });
    const summary = events.map(
      (e) => `${e.type}:${e.channel?.name ?? e.peer?.name}:${e.cause ?? e.dialstatus ?? ''}`,
    );
    expect(summary).toEqual([
      'Dial:Local/1001@agents-busy-00000000;1:',
      'ChannelDialplan:Local/1001@agents-busy-00000000;2:',
      'Dial:Local/1001@agents-busy-00000000;1:BUSY',
      'ChannelHangupRequest:Local/1001@agents-busy-00000000;2:0',
      'ChannelDestroyed:Local/1001@agents-busy-00000000;1:0',
      'ChannelStateChange:Local/1001@agents-busy-00000000;2:',
      'ChannelHangupRequest:Local/1001@agents-busy-00000000;2:16',
      'ChannelDestroyed:Local/1001@agents-busy-00000000;2:17',
    ]);
    expect(world.listChannels()).toEqual([]);
  });

  it('an originate into the dialplan reaches Stasis() only after the answer, without earlier events', () => {
    const { world, clock, events } = setup();
    world.setEndpointBehaviour('PJSIP/sipp', { answerAfterMs: 1000 });
    const json = world.originate({
      endpoint: 'PJSIP/15550002222@sipp',
      extension: '15550002222',
      context: 'outbound-dialplan',
      priority: '1',
    });
    expect(json).toMatchObject({ state: 'Down', dialplan: { context: 'from-sipp', exten: 's' } });
    clock.advance(999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events.map((e): unknown => e.type)).toEqual(['StasisStart']);
    expect(events[0]).toMatchObject({
      args: ['outbound'],
      channel: { state: 'Up', dialplan: { context: 'outbound-dialplan', priority: 3 } },
    });
    expect(world.getVariable(json.id, 'X')).toEqual({ value: '1' });
  });

  it('a continue into Dial() keeps both legs until the callee hangs up, then the dialplan hangs up the caller', () => {
    const { world, clock, events } = setup();
    world.setEndpointBehaviour('PJSIP/agent', { answerAfterMs: 2000, hangupAfterMs: 3000 });
    const caller = world.placeInboundCall({ from: '15550001111', to: '5551000' });
    world.answer(caller.id);
    world.continueInDialplan(caller.id, 'transfer-to-agent', '1001', '1');
    expect(events.map((e): unknown => e.type)).toEqual(['StasisStart', 'ChannelStateChange', 'StasisEnd']);
    expect(world.listChannels().map((c) => `${c.name}:${c.state}`)).toEqual([
      expect.stringMatching(/^PJSIP\/sipp-.*:Up$/),
      expect.stringMatching(/^PJSIP\/agent-.*:Ringing$/),
    ]);
    clock.advance(5000);
    expect(world.listChannels()).toEqual([]);
    expect(world.callOutcomes().find((o) => o.channelId === caller.id)).toMatchObject({
      continuedTo: 'transfer-to-agent,1001,1',
      cause: 16,
    });
  });
});
