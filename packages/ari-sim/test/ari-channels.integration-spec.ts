import { EventLog } from './support/ari-test-client';
import { startFixture, type SimFixture } from './support/sim-harness';

describe('ARI server: auth, events WebSocket and channels', () => {
  let f: SimFixture;

  beforeEach(async () => {
    f = await startFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  describe('auth', () => {
    it('answers 401 with Asterisk body and WWW-Authenticate for wrong or missing credentials', async () => {
      const wrong = await f.ari.request(
        'GET',
        '/channels',
        undefined,
        'Basic ' + Buffer.from('asterisk:wrong').toString('base64'),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ message: 'Authentication required' });
      expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="Asterisk REST Interface"');
      expect((await f.ari.request('GET', '/channels', undefined, null)).status).toBe(401);
      expect((await f.ari.request('GET', '/channels?api_key=asterisk:wrong', undefined, null)).status).toBe(
        401,
      );
      const apiKey = await f.ari.request('GET', '/channels?api_key=asterisk:asterisk', undefined, null);
      expect(apiKey.status).toBe(200);
      expect(apiKey.body).toEqual([]);
    });

    it('refuses WebSocket upgrades without credentials (401) or without app (400)', async () => {
      await expect(EventLog.open(f.wsUrl('app=callcenter&api_key=asterisk:wrong'))).rejects.toThrow('401');
      await expect(EventLog.open(f.wsUrl('app=callcenter'))).rejects.toThrow('401');
      await expect(EventLog.open(f.wsUrl('subscribeAll=false&api_key=asterisk:asterisk'))).rejects.toThrow(
        '400',
      );
      await expect(EventLog.open(f.wsUrl('app=&api_key=asterisk:asterisk'))).rejects.toThrow('400');
    });
  });

  describe('inbound call', () => {
    it('enters Stasis with args, answers, plays and ends on caller hangup without ChannelDestroyed', async () => {
      const id = await f.inbound();
      const start = f.ws.events[0]!;
      expect(start).toMatchObject({
        type: 'StasisStart',
        args: ['inbound', '5551000'],
        application: 'callcenter',
        channel: {
          state: 'Ring',
          caller: { name: '15550001111', number: '15550001111' },
          dialplan: {
            context: 'from-sipp',
            exten: '5551000',
            priority: 2,
            app_name: 'Stasis',
            app_data: 'callcenter,inbound,5551000',
          },
        },
      });
      expect(start.channel.name).toMatch(/^PJSIP\/sipp-[0-9a-f]{8}$/);
      expect(start.channel.id).toMatch(/^\d+\.\d+$/);
      expect(start.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

      expect((await f.ari.post(`/channels/${id}/answer`)).status).toBe(204);
      const play = await f.ari.post(`/channels/${id}/play?media=sound:hello-world`);
      expect(play.status).toBe(201);
      expect(play.body).toMatchObject({
        media_uri: 'sound:hello-world',
        target_uri: `channel:${id}`,
        language: 'en',
      });
      await f.advance(1000);
      expect(f.ws.types()).not.toContain('PlaybackFinished');
      await f.advance(500);
      expect(f.ws.types()).toEqual([
        'StasisStart',
        'ChannelStateChange',
        'PlaybackStarted',
        'PlaybackFinished',
      ]);

      await f.ws.clear();
      expect((await f.ctl.post(`/sim/v1/channels/${id}/hangup`)).status).toBe(204);
      await f.ws.flush();
      const types = f.ws.types();
      expect(types.slice(-2)).toEqual(['ChannelHangupRequest', 'StasisEnd']);
      expect(f.ws.events.filter((e) => e.type === 'ChannelVarset').map((e): unknown => e.variable)).toEqual([
        'RTPAUDIOQOS',
        'RTPAUDIOQOSJITTER',
        'RTPAUDIOQOSLOSS',
        'RTPAUDIOQOSRTT',
        'RTPAUDIOQOSMES',
      ]);
      expect(f.ws.events.find((e) => e.type === 'ChannelHangupRequest')).not.toHaveProperty('cause');
      expect(types).not.toContain('ChannelDestroyed');
      expect((await f.ari.get('/channels')).body).toEqual([]);
      expect(await f.ari.get(`/channels/${id}`)).toMatchObject({
        status: 404,
        body: { message: 'Channel not found' },
      });
    });

    it('delivers scripted DTMF after answer and hangs the caller up after hangupAfterMs', async () => {
      const id = await f.inbound({ dtmf: [{ afterMs: 1500, digits: '12#' }], hangupAfterMs: 10_000 });
      await f.advance(5000);
      expect(f.ws.types()).toEqual(['StasisStart']);
      await f.ari.post(`/channels/${id}/answer`);
      await f.advance(1500);
      await f.advance(1000);
      const digits = f.ws.events.filter((e) => e.type === 'ChannelDtmfReceived');
      expect(digits.map((e): unknown => e.digit)).toEqual(['1', '2', '#']);
      expect(digits[0]).toMatchObject({ duration_ms: 280, channel: { id } });
      await f.advance(3000);
      expect(f.ws.types().slice(-2)).toEqual(['ChannelHangupRequest', 'StasisEnd']);
      const calls = (await f.ctl.get('/sim/v1/calls')).body as {
        channelId: string;
        dtmfPressed: string;
        hungUpBy: string;
      }[];
      expect(calls.find((c) => c.channelId === id)).toMatchObject({ dtmfPressed: '12#', hungUpBy: 'remote' });
    });

    it('app hangup: cause 32 soft, StasisEnd; reason maps to the destroy cause', async () => {
      const id = await f.inbound();
      expect((await f.ari.del(`/channels/${id}?reason=bogus`)).status).toBe(400);
      expect((await f.ari.del(`/channels/${id}?reason=busy`)).status).toBe(204);
      await f.ws.flush();
      expect(f.ws.events.find((e) => e.type === 'ChannelHangupRequest')).toMatchObject({
        cause: 32,
        soft: true,
      });
      expect(f.ws.types().at(-1)).toBe('StasisEnd');
      const calls = (await f.ctl.get('/sim/v1/calls')).body as {
        channelId: string;
        cause: number;
        hungUpBy: string;
      }[];
      expect(calls.find((c) => c.channelId === id)).toMatchObject({ cause: 17, hungUpBy: 'app' });
    });
  });

  describe('originate', () => {
    it('rings, answers and enters Stasis with Dial events carrying only peer; app hangup destroys it', async () => {
      await f.ctl.put('/sim/v1/endpoints/PJSIP/agent', { answerAfterMs: 2000 });
      const res = await f.ari.post(
        '/channels?endpoint=PJSIP/agent&app=callcenter&appArgs=agent,42&callerId=%22Queue%22%20%3C5551000%3E&timeout=30',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        state: 'Down',
        caller: { name: 'Queue', number: '5551000' },
        connected: { name: 'Queue', number: '5551000' },
        dialplan: {
          context: 'from-sipp',
          exten: 's',
          priority: 1,
          app_name: 'AppDial2',
          app_data: '(Outgoing Line)',
        },
      });
      const id = (res.body as { id: string }).id;
      await f.advance(2000);
      expect(f.ws.events.map((e) => `${e.type}:${e.dialstatus ?? e.channel?.state ?? ''}`)).toEqual([
        'Dial:',
        'ChannelStateChange:Ringing',
        'Dial:RINGING',
        'ChannelStateChange:Up',
        'Dial:ANSWER',
        'ChannelVarset:Up',
        'StasisStart:Up',
      ]);
      for (const dial of f.ws.events.filter((e) => e.type === 'Dial')) {
        expect(dial).not.toHaveProperty('caller');
        expect(dial).toMatchObject({ forward: '', dialstring: 'agent', peer: { id } });
      }
      expect(f.ws.events.at(-1)).toMatchObject({ args: ['agent', '42'] });
      expect((await f.ari.get(`/channels/${id}`)).body).toMatchObject({
        dialplan: { app_name: 'Stasis', app_data: 'callcenter,agent,42' },
      });
      await f.ws.clear();
      await f.ari.del(`/channels/${id}`);
      await f.ws.flush();
      const tail = f.ws.events.filter((e) => !String(e.variable ?? '').startsWith('RTPAUDIOQOS'));
      expect(tail.map((e) => e.type)).toEqual([
        'ChannelHangupRequest',
        'StasisEnd',
        'ChannelVarset',
        'ChannelDestroyed',
      ]);
      expect(tail[2]).toMatchObject({ variable: 'STASISSTATUS', value: 'SUCCESS' });
      expect(tail[3]).toMatchObject({ cause: 16, cause_txt: 'Normal Clearing' });
    });

    it('no answer: only ChannelDestroyed cause 19 when the timeout expires', async () => {
      await f.ctl.put('/sim/v1/endpoints/PJSIP/agent', { answerAfterMs: null });
      await f.ari.post('/channels?endpoint=PJSIP/agent&app=callcenter&timeout=5');
      await f.advance(4999);
      expect(f.ws.types()).toEqual(['Dial', 'ChannelStateChange', 'Dial']);
      await f.advance(1);
      expect(f.ws.events.at(-1)).toMatchObject({
        type: 'ChannelDestroyed',
        cause: 19,
        cause_txt: 'User alerting, no answer',
        tech_cause: 480,
      });
      expect(f.ws.types()).not.toContain('ChannelHangupRequest');
    });

    it('busy: ChannelHangupRequest 17, Dial BUSY, ChannelDestroyed 17', async () => {
      await f.ctl.put('/sim/v1/endpoints/PJSIP/agent', { busy: true });
      await f.ari.post('/channels?endpoint=PJSIP/agent&app=callcenter&timeout=10');
      await f.advance(500);
      expect(f.ws.events.map((e) => `${e.type}:${e.cause ?? e.dialstatus}`)).toEqual([
        'Dial:',
        'ChannelHangupRequest:17',
        'Dial:BUSY',
        'ChannelDestroyed:17',
      ]);
      expect((await f.ari.get('/channels')).body).toEqual([]);
    });

    it('resolves numbers through a trunk endpoint and glob patterns; unknown endpoints fail allocation', async () => {
      await f.ctl.put('/sim/v1/endpoints/PJSIP/sipp', { answerAfterMs: 1000 });
      await f.ctl.put('/sim/v1/endpoints/PJSIP/*@carrier', { busy: true });
      const viaTrunk = await f.ari.post(
        '/channels?endpoint=PJSIP/15550002222@sipp&app=callcenter&appArgs=campaign,123',
      );
      expect((viaTrunk.body as { name: string }).name).toMatch(/^PJSIP\/sipp-/);
      expect(
        (await f.ari.post('/channels?endpoint=PJSIP/%2B15550003333@carrier&app=callcenter')).status,
      ).toBe(200);
      expect(await f.ari.post('/channels?endpoint=PJSIP/no-such-endpoint&app=callcenter')).toMatchObject({
        status: 500,
        body: { error: 'Allocation failed' },
      });
      expect(await f.ari.post('/channels?endpoint=Bogus/foo&app=callcenter')).toMatchObject({
        status: 500,
        body: { error: 'Allocation failed' },
      });
      expect(await f.ari.post('/channels?endpoint=nonsense&app=callcenter')).toMatchObject({
        status: 400,
        body: { message: 'Invalid endpoint specified' },
      });
      expect((await f.ari.post('/channels?app=callcenter')).body).toEqual({
        message: 'Endpoint must be specified',
      });
      expect((await f.ari.post('/channels?endpoint=Local/1001@agents')).body).toEqual({
        message: 'Application or extension must be specified',
      });
      expect(await f.ari.post('/channels', '{not json')).toMatchObject({
        status: 400,
        body: { message: 'Error parsing request body' },
      });
    });

    it('originates with a chosen id and variables from the JSON body', async () => {
      await f.ctl.put('/sim/v1/endpoints/PJSIP/agent', { answerAfterMs: 0 });
      const res = await f.ari.post('/channels/my-chan-1?endpoint=PJSIP/agent&app=callcenter', {
        variables: { CALL_KIND: 'agent' },
      });
      expect(res.status).toBe(200);
      expect((res.body as { id: string }).id).toBe('my-chan-1');
      expect((await f.ari.get('/channels/my-chan-1/variable?variable=CALL_KIND')).body).toEqual({
        value: 'agent',
      });
      expect((await f.ari.post('/channels/my-chan-1?endpoint=PJSIP/agent&app=callcenter')).status).toBe(409);
    });
  });

  describe('channel operations', () => {
    it('variables, functions, ring/hold/mute/moh/silence/dtmf without events; 409 outside Stasis', async () => {
      const id = await f.inbound();
      for (const [method, op] of [
        ['POST', 'ring'],
        ['DELETE', 'ring'],
        ['POST', 'hold'],
        ['DELETE', 'hold'],
        ['POST', 'mute?direction=both'],
        ['DELETE', 'mute?direction=both'],
        ['POST', 'moh?mohClass=default'],
        ['DELETE', 'moh'],
        ['POST', 'silence'],
        ['DELETE', 'silence'],
        ['POST', 'dtmf?dtmf=12'],
      ] as const) {
        expect((await f.ari.request(method, `/channels/${id}/${op}`)).status).toBe(204);
      }
      expect((await f.ari.post(`/channels/${id}/dtmf`)).status).toBe(400);
      expect((await f.ari.post(`/channels/${id}/variable?variable=QUEUE_NAME&value=sales`)).status).toBe(204);
      expect(
        (await f.ari.post(`/channels/${id}/variable`, { variable: 'CUSTOMER_ID', value: '42' })).status,
      ).toBe(204);
      await f.ws.flush();
      expect(
        f.ws.events.filter((e) => e.type === 'ChannelVarset').map((e): unknown[] => [e.variable, e.value]),
      ).toEqual([
        ['QUEUE_NAME', 'sales'],
        ['CUSTOMER_ID', '42'],
      ]);
      expect(f.ws.types()).toEqual(['StasisStart', 'ChannelVarset', 'ChannelVarset']);
      expect((await f.ari.get(`/channels/${id}/variable?variable=QUEUE_NAME`)).body).toEqual({
        value: 'sales',
      });
      expect(await f.ari.get(`/channels/${id}/variable?variable=NOT_SET_VAR`)).toMatchObject({
        status: 404,
        body: { message: 'Provided variable was not found' },
      });
      expect((await f.ari.get(`/channels/${id}/variable?variable=CALLERID(num)`)).body).toEqual({
        value: '15550001111',
      });
      expect(await f.ari.get(`/channels/${id}/variable`)).toMatchObject({
        status: 400,
        body: { message: 'Variable name is required' },
      });
      expect((await f.ari.post(`/channels/${id}/variable?variable=TALK_DETECT(set)&value=`)).status).toBe(
        204,
      );
      expect(await f.ari.get(`/channels/${id}/variable?variable=TALK_DETECT(set)`)).toMatchObject({
        status: 500,
        body: { message: 'Unable to read provided function' },
      });

      expect(
        (await f.ari.post(`/channels/${id}/continue?context=agents-noanswer&extension=1001&priority=1`))
          .status,
      ).toBe(204);
      await f.ws.flush();
      expect(f.ws.types().at(-1)).toBe('StasisEnd');
      expect(await f.ari.post(`/channels/${id}/answer`)).toMatchObject({
        status: 409,
        body: { message: 'Channel not in Stasis application' },
      });
      expect((await f.ari.get(`/channels/${id}`)).body).toMatchObject({
        dialplan: { context: 'agents-noanswer', exten: '1001' },
      });
    });

    it('talk detection reports speech of the caller once TALK_DETECT is set', async () => {
      const id = await f.inbound({ talk: [{ afterMs: 2000, durationMs: 6000 }] });
      await f.ari.post(`/channels/${id}/answer`);
      await f.ari.post(`/channels/${id}/variable?variable=TALK_DETECT(set)&value=`);
      await f.advance(2000);
      expect(f.ws.types().at(-1)).toBe('ChannelTalkingStarted');
      await f.advance(8500);
      expect(f.ws.events.at(-1)).toMatchObject({ type: 'ChannelTalkingFinished', duration: 6000 });
    });

    it('redirect: REFER on an answered channel (caller hangs up later), 302 (cause 23) on an unanswered one', async () => {
      const answered = await f.inbound({ referHangupAfterMs: 5000 });
      await f.ari.post(`/channels/${answered}/answer`);
      expect(await f.ari.post(`/channels/${answered}/redirect?endpoint=Local%2F1001%40agents`)).toMatchObject(
        {
          status: 422,
          body: { message: "Endpoint technology 'Local' does not match channel technology 'PJSIP'" },
        },
      );
      expect((await f.ari.post(`/channels/${answered}/redirect`)).body).toEqual({
        message: "Required parameter 'endpoint' not provided.",
      });
      await f.ws.clear();
      expect((await f.ari.post(`/channels/${answered}/redirect?endpoint=PJSIP/agent`)).status).toBe(204);
      await f.advance(4999);
      expect(f.ws.types()).toEqual([]);
      await f.advance(1);
      expect(f.ws.types().slice(-2)).toEqual(['ChannelHangupRequest', 'StasisEnd']);

      const ringing = await f.inbound();
      await f.ws.clear();
      await f.ari.post(`/channels/${ringing}/redirect?endpoint=PJSIP/agent`);
      await f.ws.flush();
      expect(f.ws.events.map((e) => e.type)).toEqual(['ChannelHangupRequest', 'StasisEnd']);
      expect(f.ws.events[0]).toMatchObject({ cause: 23, tech_cause: 302 });
    });

    it('snoop answers 200 with an Up Snoop channel that enters Stasis and ends without ChannelDestroyed', async () => {
      const id = await f.inbound();
      const res = await f.ari.post(
        `/channels/${id}/snoop?spy=both&whisper=out&app=callcenter&appArgs=supervisor`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        state: 'Up',
        name: `Snoop/${id}-00000000`,
        dialplan: { context: 'default', exten: 's', priority: 1 },
      });
      const snoopId = (res.body as { id: string }).id;
      await f.ws.waitType('StasisStart', (e) => e.channel.id === snoopId && e.args[0] === 'supervisor');
      await f.ws.clear();
      await f.ari.del(`/channels/${snoopId}`);
      await f.ws.flush();
      expect(f.ws.types()).toEqual(['ChannelHangupRequest', 'StasisEnd']);
      expect((await f.ari.post(`/channels/${id}/snoop?spy=both`)).status).toBe(400);
    });
  });

  describe('WebSocket semantics', () => {
    it('keeps channels in Stasis while disconnected, replays nothing, and replaces an app socket', async () => {
      const id = await f.inbound();
      await f.ws.close();
      expect((await f.ari.get('/channels')).body).toHaveLength(1);
      expect((await f.ari.get('/applications/callcenter')).body).toEqual({
        name: 'callcenter',
        channel_ids: [id],
        bridge_ids: [],
        endpoint_ids: [],
        device_names: [],
        events_allowed: [],
        events_disallowed: [],
      });
      const ws2 = await EventLog.open(f.wsUrl());
      await ws2.flush();
      expect(ws2.events).toEqual([]);
      const ws3 = await EventLog.open(f.wsUrl());
      const replaced = await ws2.waitType('ApplicationReplaced');
      expect(replaced).toMatchObject({ application: 'callcenter' });
      await f.ari.del(`/channels/${id}`);
      await ws3.waitType('StasisEnd');
      await ws2.flush();
      expect(ws2.types()).toEqual(['ApplicationReplaced']);
      await ws2.close();
      await ws3.close();
    });

    it('subscribeAll sees every channel, including ChannelCreated and ChannelDestroyed of dialplan callers', async () => {
      const all = await EventLog.open(f.wsUrl('app=monitor&subscribeAll=true&api_key=asterisk:asterisk'));
      const id = await f.inbound();
      await f.ctl.post(`/sim/v1/channels/${id}/hangup`);
      await all.waitType('ChannelDestroyed');
      expect(all.types()).toEqual(
        expect.arrayContaining([
          'ChannelCreated',
          'ChannelDialplan',
          'StasisStart',
          'ChannelHangupRequest',
          'StasisEnd',
        ]),
      );
      expect(all.events.every((e) => e.application === 'monitor')).toBe(true);
      await f.ws.flush();
      expect(f.ws.types()).not.toContain('ChannelCreated');
      await all.close();
    });

    it('answers unknown resources, wrong methods and unknown applications like Asterisk', async () => {
      expect(await f.ari.put('/channels')).toMatchObject({
        status: 405,
        body: { message: 'Invalid method' },
      });
      expect(await f.ari.get('/no-such-resource')).toMatchObject({
        status: 404,
        body: { message: 'Resource not found' },
      });
      expect(await f.ari.get('/applications/no-such-app')).toMatchObject({
        status: 404,
        body: { message: 'Application not found' },
      });
      expect(await f.ari.get('/recordings/stored/no-such-recording')).toMatchObject({
        status: 404,
        body: { message: 'Recording not found' },
      });
      expect((await f.ari.get('/asterisk/info')).body).toMatchObject({ system: { version: '22.10.1' } });
    });
  });
});

describe('robustness', () => {
  let f: SimFixture;

  beforeAll(async () => {
    f = await startFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  it('answers odd input without crashing', async () => {
    expect((await f.ari.get('/channels/%E0%A4%A')).status).toBe(404);
    expect((await f.ari.request('PATCH', '/channels')).status).toBe(405);
    expect((await f.ari.post('/channels?endpoint=PJSIP/x&app=callcenter', [1, 2])).status).toBe(500);
    expect((await f.ari.post('/bridges/x/addChannel?channel=,,,')).status).toBe(404);
    expect((await f.ctl.post('/sim/v1/channels/%E0%A4%A/hangup')).status).toBe(400);
    expect((await f.ctl.post('/sim/v1/inbound-calls', [])).status).toBe(400);
    expect((await f.ctl.post('/sim/v1/inbound-calls', { from: 5, to: '1' })).status).toBe(400);
    expect((await f.ctl.request('GET', '/nothing')).status).toBe(404);
    const live = await f.ari.get('/asterisk/ping');
    expect(live).toMatchObject({ status: 200, body: { ping: 'pong' } });
  });
});
