import { runIvr, type IvrChannelPort, type IvrProgress } from './ivr.runner';
import { validateIvrFlow } from './ivr-flow.validation';
import type { IvrFlowDefinition } from './ivr-flow.schema';

function flowOf(input: unknown): IvrFlowDefinition {
  const result = validateIvrFlow(input);
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  return result.flow;
}

function fakePort(
  keys: (string | undefined)[],
  now = new Date('2026-11-23T10:00:00Z'),
): IvrChannelPort & { played: string[][] } {
  const played: string[][] = [];
  return {
    played,
    play: (media) => {
      played.push(media);
      return Promise.resolve();
    },
    nextDigit: () => Promise.resolve(keys.shift()),
    record: () => Promise.resolve('msg-1'),
    now: () => now,
  };
}

const menuFlow = flowOf({
  start: 'hours',
  steps: {
    hours: {
      type: 'hours',
      weekly: { mon: [{ from: '09:00', to: '17:00' }] },
      open: 'menu',
      closed: 'closed',
    },
    closed: { type: 'message', prompt: ['sound:closed'], maxSeconds: 30, thanks: ['sound:thanks'] },
    menu: {
      type: 'menu',
      prompt: ['sound:menu'],
      options: { '1': 'vip', '2': 'bye' },
      timeoutMs: 1000,
      retries: 2,
      invalidPrompt: ['sound:invalid'],
      onFailure: 'bye',
    },
    vip: { type: 'set', skills: [{ skillId: 'de', minLevel: 5 }], priority: 50, language: 'de', next: 'q' },
    q: { type: 'queue', queueId: 'support' },
    bye: { type: 'hangup', prompt: ['sound:bye'] },
  },
});

describe('runIvr', () => {
  it('goes through hours and the menu to the queue with the routing set on the way', async () => {
    const port = fakePort(['1']);
    const result = await runIvr(menuFlow, 'Europe/Zurich', port);
    expect(result.outcome).toMatchObject({
      kind: 'queue',
      step: { queueId: 'support' },
      routing: { priority: 50, language: 'de', skills: [{ skillId: 'de', minLevel: 5 }] },
    });
    expect(result.path).toEqual(['hours', 'menu', 'vip', 'q']);
    expect(result.digits).toBe('1');
  });

  it('retries after a timeout and an invalid key, then fails over to onFailure', async () => {
    const port = fakePort([undefined, '9', undefined]);
    const result = await runIvr(menuFlow, 'Europe/Zurich', port);
    expect(result.outcome).toEqual({ kind: 'hangup' });
    expect(port.played).toEqual([
      ['sound:menu'],
      ['sound:menu'],
      ['sound:invalid'],
      ['sound:menu'],
      ['sound:bye'],
    ]);
  });

  it('takes a message out of hours', async () => {
    const port = fakePort([], new Date('2026-11-23T20:00:00Z'));
    const result = await runIvr(menuFlow, 'Europe/Zurich', port);
    expect(result.outcome).toMatchObject({ kind: 'message', recordingName: 'msg-1' });
    expect(port.played).toEqual([['sound:closed'], ['sound:thanks']]);
  });

  it("closes on the tenant's holidays as well as the flow's own", async () => {
    const monday = new Date('2026-11-23T10:00:00Z');
    const open = await runIvr(menuFlow, 'Europe/Zurich', fakePort(['2'], monday), ['2026-11-24']);
    expect(open.path[1]).toBe('menu');
    const closed = await runIvr(menuFlow, 'Europe/Zurich', fakePort([], monday), ['2026-11-23']);
    expect(closed.outcome).toMatchObject({ kind: 'message' });
  });

  it('a hang-up (the port rejecting) unwinds the run', async () => {
    const port = fakePort([]);
    port.play = () => Promise.reject(new Error('gone'));
    await expect(runIvr(menuFlow, 'Europe/Zurich', port)).rejects.toThrow('gone');
  });

  it('reports each step as it starts and resumes from a saved step with its routing, path and digits', async () => {
    const steps: string[] = [];
    const saved: IvrProgress[] = [];
    await runIvr(menuFlow, 'Europe/Zurich', fakePort(['1']), [], {
      onStep: (p) => {
        steps.push(p.step);
        saved.push(p);
      },
    });
    expect(steps).toEqual(['hours', 'menu', 'vip', 'q']);
    const atQueue = saved[3]!;
    expect(atQueue).toMatchObject({
      path: ['hours', 'menu', 'vip'],
      digits: '1',
      routing: { priority: 50, language: 'de' },
    });

    // Another instance resumes at the menu: the menu asks again, the hours are not checked again.
    const port = fakePort(['1'], new Date('2026-11-22T23:00:00Z')); // a Sunday night: would be closed
    const resumed = await runIvr(menuFlow, 'Europe/Zurich', port, [], { resume: saved[1]! });
    expect(port.played).toEqual([['sound:menu']]);
    expect(resumed).toMatchObject({
      outcome: { kind: 'queue' },
      path: ['hours', 'menu', 'vip', 'q'],
      digits: '1',
    });
    // The saved progress is a copy: running on does not change it.
    expect(saved[1]).toEqual({
      step: 'menu',
      routing: { skills: [], priority: 0, language: undefined },
      path: ['hours'],
      digits: '',
    });
  });
});
