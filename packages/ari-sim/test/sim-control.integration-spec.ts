import { ScaledClock } from '../src/domain/clock';
import { startAriSim } from '../src/http/ari-sim.server';
import { EventLog, TestAri } from './support/ari-test-client';
import { startFixture, type SimFixture } from './support/sim-harness';

describe('world control API (/sim/v1)', () => {
  let f: SimFixture;

  beforeEach(async () => {
    f = await startFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  it('places inbound calls, validates input and refuses unregistered apps', async () => {
    expect(await f.ctl.post('/sim/v1/inbound-calls', { from: '+15550001111' })).toMatchObject({
      status: 400,
      body: { message: 'to is required' },
    });
    expect(await f.ctl.post('/sim/v1/inbound-calls', '{oops')).toMatchObject({
      status: 400,
      body: { message: 'Error parsing request body' },
    });
    expect((await f.ctl.post('/sim/v1/inbound-calls', { from: '1', to: '2', app: 'nobody' })).status).toBe(
      409,
    );
    expect(
      (await f.ctl.post('/sim/v1/inbound-calls', { from: '1', to: '2', dtmf: [{ afterMs: 1, digits: 'x' }] }))
        .status,
    ).toBe(400);
    const res = await f.ctl.post('/sim/v1/inbound-calls', {
      from: '+15550001111',
      to: '+15551000',
      dtmf: [{ afterMs: 1500, digits: '1' }],
    });
    expect(res).toMatchObject({ status: 201, body: { channelId: expect.stringMatching(/^\d+\.\d+$/) } });
    const start = await f.ws.waitType('StasisStart');
    expect(start.args).toEqual(['inbound', '+15551000']);
  });

  it('configures endpoints (PUT/DELETE), reports state and call outcomes, and resets', async () => {
    expect(
      (
        await f.ctl.put('/sim/v1/endpoints/PJSIP/agent-1001', {
          answerAfterMs: 2000,
          busy: false,
          hangupAfterMs: 60000,
        })
      ).status,
    ).toBe(200);
    expect(
      (await f.ctl.put('/sim/v1/endpoints/PJSIP/%2B15550002222@trunk', { answerAfterMs: null })).status,
    ).toBe(200);
    expect((await f.ctl.put('/sim/v1/endpoints/PJSIP/x', { answerAfterMs: -1 })).status).toBe(400);
    expect((await f.ctl.get('/sim/v1/endpoints')).body).toEqual([
      { endpoint: 'PJSIP/agent-1001', behaviour: { answerAfterMs: 2000, busy: false, hangupAfterMs: 60000 } },
      { endpoint: 'PJSIP/+15550002222@trunk', behaviour: { answerAfterMs: null } },
    ]);
    expect((await f.ari.get('/endpoints')).body).toEqual([
      { technology: 'PJSIP', resource: 'agent-1001', state: 'online', channel_ids: [] },
      { technology: 'PJSIP', resource: '+15550002222@trunk', state: 'online', channel_ids: [] },
    ]);

    const caller = await f.inbound();
    await f.ari.post(`/channels/${caller}/answer`);
    const agent = (
      (await f.ari.post('/channels?endpoint=PJSIP/agent-1001&app=callcenter')).body as { id: string }
    ).id;
    await f.advance(2000);
    const bridge = ((await f.ari.post('/bridges')).body as { id: string }).id;
    await f.ari.post(`/bridges/${bridge}/addChannel?channel=${caller},${agent}`);
    const state = (await f.ctl.get('/sim/v1/state')).body as { channels: unknown[]; bridges: unknown[] };
    expect(state.channels).toEqual([
      expect.objectContaining({ id: caller, state: 'Up', app: 'callcenter', bridge }),
      expect.objectContaining({ id: agent, state: 'Up', app: 'callcenter', bridge }),
    ]);
    expect(state.bridges).toHaveLength(1);

    await f.advance(60_000);
    const outcomes = (await f.ctl.get('/sim/v1/calls')).body as Record<string, unknown>[];
    expect(outcomes.find((o) => o['channelId'] === agent)).toMatchObject({
      direction: 'outbound',
      cause: 16,
      hungUpBy: 'remote',
      bridged: true,
    });

    expect((await f.ctl.del('/sim/v1/endpoints/PJSIP/agent-1001')).status).toBe(204);
    expect((await f.ctl.del('/sim/v1/endpoints/PJSIP/agent-1001')).status).toBe(404);
    expect(await f.ari.post('/channels?endpoint=PJSIP/agent-1001&app=callcenter')).toMatchObject({
      status: 500,
      body: { error: 'Allocation failed' },
    });

    expect((await f.ctl.post('/sim/v1/reset')).status).toBe(204);
    expect((await f.ctl.get('/sim/v1/state')).body).toMatchObject({ channels: [], bridges: [] });
    expect((await f.ctl.get('/sim/v1/calls')).body).toEqual([]);
  });

  it('plays a queueing caller: patience until connected, talk time after, outcomes by end order', async () => {
    await f.ctl.put('/sim/v1/endpoints/PJSIP/agent-7', { answerAfterMs: 1000 });
    expect((await f.ctl.post('/sim/v1/inbound-calls', { from: '1', to: '2', patienceMs: -5 })).status).toBe(
      400,
    );
    // Served: connected to the agent before its patience ran out, then talks 30 s and hangs up.
    const served = await f.inbound({ patienceMs: 20_000, talkAfterConnectMs: 30_000 });
    // Abandons: nobody connects it within 5 s.
    const abandons = await f.inbound({ patienceMs: 5_000, talkAfterConnectMs: 30_000 });
    await f.ari.post(`/channels/${served}/answer`);
    await f.ari.post(`/channels/${abandons}/answer`);
    const agent = (
      (await f.ari.post('/channels?endpoint=PJSIP/agent-7&app=callcenter')).body as { id: string }
    ).id;
    const bridge = ((await f.ari.post('/bridges')).body as { id: string }).id;
    await f.ari.post(`/bridges/${bridge}/addChannel?channel=${served}`);
    await f.advance(1000);
    await f.ari.post(`/bridges/${bridge}/addChannel?channel=${agent}`);
    await f.advance(4000);
    // 5 s: the abandoning caller gave up; the served one stays past its patience (connected at 1 s).
    let ended = (await f.ctl.get('/sim/v1/calls/ended')).body as {
      calls: Record<string, unknown>[];
      nextCursor: number;
    };
    expect(ended.calls.map((c) => c['channelId'])).toEqual([abandons]);
    expect(ended.calls[0]).toMatchObject({ connectedAt: null, hungUpBy: 'remote' });
    await f.advance(16_000);
    expect(((await f.ctl.get('/sim/v1/calls/ended?cursor=1')).body as { calls: unknown[] }).calls).toEqual(
      [],
    );
    await f.advance(10_000);
    ended = (await f.ctl.get(`/sim/v1/calls/ended?cursor=${ended.nextCursor}`)).body as typeof ended;
    expect(ended.nextCursor).toBe(2);
    expect(ended.calls).toEqual([
      expect.objectContaining({
        channelId: served,
        hungUpBy: 'remote',
        connectedTo: expect.stringMatching(/^PJSIP\/agent-7-/),
      }),
    ]);
    const connectedAt = Date.parse(String(ended.calls[0]?.['connectedAt']));
    const endedAt = Date.parse(String(ended.calls[0]?.['endedAt']));
    expect(endedAt - connectedAt).toBe(30_000);
    expect((await f.ctl.get('/sim/v1/calls/ended?cursor=-1')).status).toBe(400);
  });

  it('lets the far end answer, press digits and hang up on demand', async () => {
    await f.ctl.put('/sim/v1/endpoints/PJSIP/customer', { answerAfterMs: null });
    const id = (
      (await f.ari.post('/channels?endpoint=PJSIP/customer&app=callcenter&appArgs=campaign,1')).body as {
        id: string;
      }
    ).id;
    expect((await f.ctl.post(`/sim/v1/channels/${id}/answer`)).status).toBe(204);
    await f.ws.waitType('StasisStart', (e) => e.channel.id === id);
    expect((await f.ctl.post(`/sim/v1/channels/${id}/dtmf`, { digits: '5' })).status).toBe(204);
    await f.advance(0);
    expect(f.ws.events.at(-1)).toMatchObject({ type: 'ChannelDtmfReceived', digit: '5' });
    expect((await f.ctl.post(`/sim/v1/channels/${id}/hangup`)).status).toBe(204);
    await f.ws.waitType('ChannelDestroyed');
    expect((await f.ctl.post(`/sim/v1/channels/${id}/hangup`)).status).toBe(404);
    expect((await f.ctl.get('/sim/v1/nothing')).status).toBe(404);
    expect((await f.ctl.get('/sim/v1/config')).body).toEqual({ timeScale: null, defaultApp: 'callcenter' });
    expect((await f.ctl.put('/sim/v1/config', { timeScale: 10 })).status).toBe(409);
  });
});

describe('time scale', () => {
  it('runs world delays faster on a scaled clock and can be changed at runtime', async () => {
    const sim = await startAriSim({ port: 0, timeScale: 1000 });
    const ctl = new TestAri(sim.url);
    const ari = new TestAri(sim.ariUrl);
    const ws = await EventLog.open(
      `ws://127.0.0.1:${sim.port}/ari/events?app=callcenter&api_key=asterisk:asterisk`,
    );
    try {
      expect((await ctl.get('/sim/v1/config')).body).toEqual({ timeScale: 1000, defaultApp: 'callcenter' });
      await ctl.put('/sim/v1/endpoints/PJSIP/agent', { answerAfterMs: 2000 });
      const before = Date.now();
      await ari.post('/channels?endpoint=PJSIP/agent&app=callcenter');
      // A two-second ring takes about 2 ms of real time at 1000x.
      await ws.waitType('StasisStart');
      expect(Date.now() - before).toBeLessThan(1500);
      expect((await ctl.put('/sim/v1/config', { timeScale: 30, defaultApp: 'other' })).body).toEqual({
        timeScale: 30,
        defaultApp: 'other',
      });
      expect(sim.clock).toBeInstanceOf(ScaledClock);
    } finally {
      await ws.close();
      await sim.stop();
    }
  });
});
