import { EventBus } from './event-bus';

describe('EventBus', () => {
  const make = (): {
    bus: EventBus;
    got: Record<string, string[]>;
    sink: (name: string) => { send(j: string): void };
  } => {
    const bus = new EventBus(() => '2026-11-23T13:00:00.000+0000');
    const got: Record<string, string[]> = {};
    const sink = (name: string): { send(j: string): void } => ({
      send: (json: string) =>
        (got[name] = [...(got[name] ?? []), (JSON.parse(json) as { type: string }).type]),
    });
    return { bus, got, sink };
  };

  it('delivers by channel/bridge subscription, or everything with subscribeAll', () => {
    const { bus, got, sink } = make();
    bus.attach('a', sink('a'), false);
    bus.attach('all', sink('all'), true);
    bus.subscribeChannel('a', 'c1');
    bus.publish({ type: 'X' }, { channels: ['c1'] });
    bus.publish({ type: 'Y' }, { channels: ['c2'] });
    bus.subscribeBridge('a', 'b1');
    bus.publish({ type: 'Z' }, { bridges: ['b1'] });
    bus.unsubscribeChannel('a', 'c1');
    bus.publish({ type: 'W' }, { channels: ['c1'] });
    expect(got).toEqual({ a: ['X', 'Z'], all: ['X', 'Y', 'Z', 'W'] });
  });

  it('replaces an app socket with ApplicationReplaced and drops events while detached (no replay)', () => {
    const { bus, got, sink } = make();
    const first = sink('first');
    bus.attach('app', first, false);
    bus.subscribeChannel('app', 'c1');
    bus.attach('app', sink('second'), false);
    bus.publish({ type: 'X' }, { channels: ['c1'] });
    expect(got).toEqual({ first: ['ApplicationReplaced'], second: ['X'] });
    bus.detach('app', first);
    expect(bus.getApp('app')?.sink).toBeDefined();
  });

  it('adds timestamp, asterisk_id and application to each delivered event', () => {
    const bus = new EventBus(() => 'T');
    const seen: Record<string, unknown>[] = [];
    bus.onDelivered((_app, event) => seen.push(event));
    bus.ensureApp('app').subscribeAll = true;
    bus.publish({ type: 'StasisStart', args: [] }, {});
    expect(seen).toEqual([
      { type: 'StasisStart', timestamp: 'T', args: [], asterisk_id: '02:fc:00:00:00:01', application: 'app' },
    ]);
  });

  it('sends each recipient exactly the JSON text of the delivered event object (same keys, same order)', () => {
    const bus = new EventBus(() => '2026-11-23T13:00:00.000+0000');
    const sent: string[] = [];
    const objects: string[] = [];
    for (const name of ['a', 'b']) {
      bus.attach(name, { send: (json) => sent.push(json) }, true);
    }
    bus.onDelivered((_app, event) => objects.push(JSON.stringify(event)));
    const bodies = [
      { type: 'Empty' },
      {
        type: 'StasisStart',
        args: ['inbound', '+1 "5"\\'],
        channel: { id: 'c1', caller: { name: 'é', n: 1 } },
      },
      { type: 'WithUndefined', skipped: undefined, kept: null, list: [undefined, 1] },
      // A body that carries an envelope field: the spread's rules (first position, last value) apply.
      { type: 'Odd', application: 'mine', timestamp: 'theirs', x: 1 },
    ];
    for (const body of bodies) bus.publish(body, {});
    expect(sent).toEqual(objects);
    expect(JSON.parse(sent[2] ?? '')).toEqual({
      type: 'StasisStart',
      timestamp: '2026-11-23T13:00:00.000+0000',
      args: ['inbound', '+1 "5"\\'],
      channel: { id: 'c1', caller: { name: 'é', n: 1 } },
      asterisk_id: '02:fc:00:00:00:01',
      application: 'a',
    });
    expect(sent[7]).toBe(
      '{"type":"Odd","timestamp":"theirs","application":"b","x":1,"asterisk_id":"02:fc:00:00:00:01"}',
    );
  });

  it('sends the same text without listeners (the fast path) as with them', () => {
    const texts = (withListener: boolean): string[] => {
      const bus = new EventBus(() => 'T');
      const sent: string[] = [];
      bus.attach('a', { send: (json) => sent.push(json) }, true);
      if (withListener) bus.onDelivered(() => undefined);
      bus.publish({ type: 'ChannelVarset', variable: 'X', value: 'y', channel: { id: 'c' } }, {});
      bus.publish({ type: 'Odd', timestamp: 'mine' }, {});
      return sent;
    };
    expect(texts(false)).toEqual(texts(true));
  });
});
