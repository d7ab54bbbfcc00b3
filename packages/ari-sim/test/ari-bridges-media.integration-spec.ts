import { wavDurationMs } from '../src/domain/wav.util';
import { startFixture, type SimFixture } from './support/sim-harness';

describe('ARI server: bridges, playbacks and recordings', () => {
  let f: SimFixture;

  beforeEach(async () => {
    f = await startFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  async function answeredCaller(): Promise<string> {
    const id = await f.inbound();
    await f.ari.post(`/channels/${id}/answer`);
    return id;
  }

  describe('bridges', () => {
    it('creates holding and mixing bridges (200, no BridgeCreated) and moves channels between them', async () => {
      const caller = await answeredCaller();
      const holding = await f.ari.post('/bridges?type=holding&name=queue-sales');
      expect(holding.status).toBe(200);
      expect(holding.body).toMatchObject({
        technology: 'holding_bridge',
        bridge_type: 'holding',
        bridge_class: 'stasis',
        creator: 'Stasis',
        name: 'queue-sales',
        channels: [],
        video_mode: 'talker',
      });
      const holdingId = (holding.body as { id: string }).id;
      expect(
        (await f.ari.post(`/bridges/${holdingId}/addChannel?channel=${caller}&role=participant`)).status,
      ).toBe(204);
      expect((await f.ari.post(`/bridges/${holdingId}/moh?mohClass=default`)).status).toBe(204);
      expect((await f.ari.del(`/bridges/${holdingId}/moh`)).status).toBe(204);
      expect(await f.ari.del(`/bridges/${holdingId}/moh`)).toMatchObject({
        status: 409,
        body: { message: "Bridge isn't playing music" },
      });
      expect((await f.ari.post(`/bridges/${holdingId}/removeChannel?channel=${caller}`)).status).toBe(204);
      expect(await f.ari.post(`/bridges/${holdingId}/removeChannel?channel=${caller}`)).toMatchObject({
        status: 422,
        body: { message: 'Channel not in this bridge' },
      });

      const call1 = ((await f.ari.post('/bridges?type=mixing&name=call-1')).body as { id: string }).id;
      const call2 = ((await f.ari.post('/bridges?type=mixing&name=call-2')).body as { id: string }).id;
      await f.ari.post(`/bridges/${call1}/addChannel?channel=${caller}`);
      await f.ws.clear();
      expect((await f.ari.post(`/bridges/${call2}/addChannel?channel=${caller}`)).status).toBe(204);
      await f.ari.post(`/bridges/${holdingId}/addChannel?channel=${caller}&role=participant`);
      await f.ws.flush();
      expect(f.ws.events.map((e) => `${e.type}:${e.bridge.name}`)).toEqual([
        'ChannelLeftBridge:call-1',
        'ChannelEnteredBridge:call-2',
        'ChannelLeftBridge:call-2',
        'ChannelEnteredBridge:queue-sales',
      ]);
      expect((await f.ari.get(`/bridges/${call1}`)).body).toMatchObject({ channels: [] });
      expect((await f.ari.get(`/bridges/${holdingId}`)).body).toMatchObject({ channels: [caller] });

      await f.ws.clear();
      await f.ari.del(`/channels/${caller}`);
      for (const id of [holdingId, call1, call2])
        expect((await f.ari.del(`/bridges/${id}`)).status).toBe(204);
      await f.ws.flush();
      // BridgeDestroyed only for the bridge the app's channel was in last.
      expect(f.ws.types().filter((t) => t !== 'ChannelVarset')).toEqual([
        'ChannelHangupRequest',
        'ChannelLeftBridge',
        'StasisEnd',
        'BridgeDestroyed',
      ]);
      expect(f.ws.events.find((e) => e.type === 'BridgeDestroyed')).toMatchObject({
        bridge: { id: holdingId },
      });
    });

    it('checks addChannel input like Asterisk', async () => {
      const bridge = ((await f.ari.post('/bridges?type=mixing')).body as { id: string; name: string }).id;
      expect(await f.ari.post('/bridges/bogus-bridge/addChannel?channel=nonexistent')).toMatchObject({
        status: 404,
        body: { message: 'Bridge not found' },
      });
      expect(await f.ari.post(`/bridges/${bridge}/addChannel?channel=nonexistent`)).toMatchObject({
        status: 400,
        body: { message: 'Channel not found' },
      });
      expect(await f.ari.post(`/bridges/${bridge}/addChannel`)).toMatchObject({
        status: 400,
        body: { message: 'Missing parameter channel' },
      });
      expect(await f.ari.post('/bridges?type=nonsense')).toMatchObject({
        status: 500,
        body: { message: "Unable to create bridge. Possible duplicate bridge id '(null)'" },
      });
      expect(await f.ari.del('/bridges/bogus-bridge')).toMatchObject({
        status: 404,
        body: { message: 'Bridge not found' },
      });
    });

    it('bridges a caller and an agent: connected line, BRIDGEPEER, record, agent hangup, delete', async () => {
      const caller = await answeredCaller();
      await f.ctl.put('/sim/v1/endpoints/PJSIP/agent', { answerAfterMs: 2000, hangupAfterMs: 8000 });
      const agent = (
        (
          await f.ari.post(
            `/channels?endpoint=PJSIP/agent&app=callcenter&appArgs=agent,${caller}&callerId=%22Queue%22%20%3C5551000%3E`,
          )
        ).body as { id: string }
      ).id;
      await f.advance(2000);
      const bridge = ((await f.ari.post(`/bridges?type=mixing&name=call-${caller}`)).body as { id: string })
        .id;
      await f.ws.clear();
      await f.ari.post(`/bridges/${bridge}/addChannel?channel=${caller},${agent}`);
      await f.ws.flush();
      const entered = f.ws.events.filter((e) => e.type === 'ChannelEnteredBridge');
      expect(entered.map((e): unknown => e.bridge.channels)).toEqual([[caller], [caller, agent]]);
      expect(
        f.ws.events
          .filter((e) => e.type === 'ChannelConnectedLine')
          .map((e): unknown[] => [e.channel.id, e.channel.connected.number]),
      ).toEqual([
        [caller, '5551000'],
        [agent, '15550001111'],
      ]);
      expect(f.ws.events.find((e) => e.variable === 'BRIDGEPEER' && e.channel.id === caller)).toMatchObject({
        value: expect.stringMatching(/^PJSIP\/agent-/),
      });

      expect(await f.ari.post(`/bridges/${bridge}/record?format=wav`)).toMatchObject({
        status: 400,
        body: { message: expect.stringContaining('Asterisk 22.10.1 crashes') },
      });
      const rec = await f.ari.post(`/bridges/${bridge}/record?name=call-1&format=wav&ifExists=overwrite`);
      expect(rec).toMatchObject({
        status: 201,
        body: { name: 'call-1', format: 'wav', state: 'queued', target_uri: `bridge:${bridge}` },
      });
      await f.ws.waitType('RecordingStarted');
      expect((await f.ari.get(`/bridges/${bridge}`)).body).toMatchObject({
        technology: 'softmix',
        channels: [caller, agent],
      });
      expect((await f.ari.get('/recordings/live/call-1')).body).toEqual({
        name: 'call-1',
        format: 'wav',
        state: 'recording',
        target_uri: `bridge:${bridge}`,
      });

      await f.ws.clear();
      await f.advance(8000);
      expect(f.ws.types().filter((t) => t !== 'ChannelVarset' && t !== 'ChannelConnectedLine')).toEqual([
        'ChannelHangupRequest',
        'ChannelLeftBridge',
        'StasisEnd',
        'ChannelDestroyed',
      ]);
      await f.advance(500);
      await f.ws.clear();
      await f.ari.del(`/bridges/${bridge}`);
      await f.ws.flush();
      expect(f.ws.types().filter((t) => t !== 'ChannelVarset')).toEqual([
        'ChannelLeftBridge',
        'BridgeDestroyed',
        'RecordingFinished',
      ]);
      expect(f.ws.events.at(-1)).toMatchObject({ recording: { name: 'call-1', state: 'done', duration: 8 } });

      expect((await f.ari.get('/recordings/stored')).body).toEqual([{ name: 'call-1', format: 'wav' }]);
      expect((await f.ari.get('/recordings/stored/call-1')).body).toEqual({ name: 'call-1', format: 'wav' });
      const file = await fetch(`${f.sim.ariUrl}/recordings/stored/call-1/file?api_key=asterisk:asterisk`);
      expect(file.headers.get('content-type')).toBe('audio/wav');
      expect(wavDurationMs(Buffer.from(await file.arrayBuffer()))).toBe(8500);
      expect(
        (await f.ari.post('/recordings/stored/call-1/copy?destinationRecordingName=call-1-copy')).status,
      ).toBe(200);
      expect(
        (await f.ari.post('/recordings/stored/call-1/copy?destinationRecordingName=call-1-copy')).status,
      ).toBe(409);
      expect((await f.ari.del('/recordings/stored/call-1')).status).toBe(204);
      expect((await f.ari.get('/recordings/stored/call-1')).status).toBe(404);
    });

    it('records a channel with pause, and stops it by REST', async () => {
      const caller = await answeredCaller();
      expect((await f.ari.post(`/channels/${caller}/record?name=msg&format=wav`)).status).toBe(201);
      expect((await f.ari.post(`/channels/${caller}/record?name=msg2&format=nope`)).status).toBe(422);
      await f.advance(2000);
      expect((await f.ari.post('/recordings/live/msg/pause')).status).toBe(204);
      await f.advance(5000);
      expect((await f.ari.del('/recordings/live/msg/pause')).status).toBe(204);
      await f.advance(1000);
      expect((await f.ari.post('/recordings/live/msg/stop')).status).toBe(204);
      await f.ws.waitType('RecordingFinished');
      expect((await f.ari.get('/recordings/live/msg')).body).toMatchObject({ state: 'done' });
      expect((await f.ari.post(`/channels/${caller}/record?name=msg&format=wav`)).status).toBe(409);
      const file = await fetch(`${f.sim.ariUrl}/recordings/stored/msg/file?api_key=asterisk:asterisk`);
      expect(wavDurationMs(Buffer.from(await file.arrayBuffer()))).toBe(3000);
    });
  });

  describe('playbacks', () => {
    it('plays a comma list as one playback with PlaybackContinuing', async () => {
      const caller = await answeredCaller();
      await f.ws.clear();
      const res = await f.ari.post(`/channels/${caller}/play?media=sound:hello-world,digits:7`);
      expect(res.body).toMatchObject({ media_uri: 'sound:hello-world', next_media_uri: 'digits:7' });
      await f.advance(1400);
      await f.advance(830);
      expect(f.ws.events.map((e) => `${e.type}:${e.playback.media_uri}:${e.playback.state}`)).toEqual([
        'PlaybackStarted:sound:hello-world:playing',
        'PlaybackContinuing:sound:hello-world:continuing',
        'PlaybackStarted:digits:7:playing',
        'PlaybackFinished:digits:7:done',
      ]);
    });

    it('plays only the last of repeated media parameters and queues playbacks on a channel', async () => {
      const caller = await answeredCaller();
      const first = await f.ari.post(`/channels/${caller}/play?media=digits:1&media=digits:2`);
      expect(first.body).toMatchObject({ media_uri: 'digits:2' });
      const second = await f.ari.post(`/channels/${caller}/play?media=number:42`);
      expect(second.body).toMatchObject({ state: 'queued' });
      await f.advance(750);
      await f.advance(1700);
      expect(
        f.ws.events
          .filter((e) => e.type.startsWith('Playback'))
          .map((e) => `${e.type}:${e.playback.media_uri}`),
      ).toEqual([
        'PlaybackStarted:digits:2',
        'PlaybackFinished:digits:2',
        'PlaybackStarted:number:42',
        'PlaybackFinished:number:42',
      ]);
    });

    it('controls a playback: pause, unpause (PlaybackStarted), stop (done), then 404', async () => {
      const caller = await answeredCaller();
      const pb = (
        (await f.ari.post(`/channels/${caller}/play/pb-1?media=sound:queue-periodic-announce`)).body as {
          id: string;
        }
      ).id;
      expect(pb).toBe('pb-1');
      await f.advance(1000);
      expect((await f.ari.post(`/playbacks/${pb}/control?operation=pause`)).status).toBe(204);
      expect((await f.ari.post(`/playbacks/${pb}/control?operation=pause`)).status).toBe(204);
      expect((await f.ari.get(`/playbacks/${pb}`)).body).toMatchObject({ state: 'paused' });
      await f.advance(60_000);
      expect(f.ws.types()).not.toContain('PlaybackFinished');
      await f.ws.clear();
      await f.ari.post(`/playbacks/${pb}/control?operation=unpause`);
      for (const op of ['restart', 'forward', 'reverse'])
        expect((await f.ari.post(`/playbacks/${pb}/control?operation=${op}`)).status).toBe(204);
      expect(await f.ari.post(`/playbacks/${pb}/control?operation=bogus`)).toMatchObject({
        status: 400,
        body: { message: 'Invalid operation bogus' },
      });
      expect(await f.ari.post(`/playbacks/${pb}/control`)).toMatchObject({
        status: 400,
        body: { message: 'Missing operation' },
      });
      await f.advance(7999);
      expect(f.ws.types()).toEqual(['PlaybackStarted']);
      expect((await f.ari.del(`/playbacks/${pb}`)).status).toBe(204);
      await f.ws.flush();
      expect(f.ws.events.at(-1)).toMatchObject({ type: 'PlaybackFinished', playback: { state: 'done' } });
      expect(await f.ari.get(`/playbacks/${pb}`)).toMatchObject({
        status: 404,
        body: { message: 'Playback not found' },
      });
      expect((await f.ari.del(`/playbacks/${pb}`)).status).toBe(404);
    });

    it('fails a playback that is running when the channel hangs up, before StasisEnd', async () => {
      const caller = await answeredCaller();
      await f.ari.post(`/channels/${caller}/play?media=tone:ring`);
      await f.ws.clear();
      await f.ari.del(`/channels/${caller}`);
      await f.ws.flush();
      expect(f.ws.types().filter((t) => t !== 'ChannelVarset')).toEqual([
        'ChannelHangupRequest',
        'PlaybackFinished',
        'StasisEnd',
      ]);
      expect(f.ws.events.find((e) => e.type === 'PlaybackFinished')).toMatchObject({
        playback: { state: 'failed' },
      });
    });

    it('plays to a bridge and lists sounds', async () => {
      const caller = await answeredCaller();
      const bridge = ((await f.ari.post('/bridges?type=holding')).body as { id: string }).id;
      await f.ari.post(`/bridges/${bridge}/addChannel?channel=${caller}`);
      const res = await f.ari.post(`/bridges/${bridge}/play?media=sound:queue-thereare`);
      expect(res).toMatchObject({ status: 201, body: { target_uri: `bridge:${bridge}` } });
      await f.advance(2250);
      expect(f.ws.types().slice(-2)).toEqual(['PlaybackStarted', 'PlaybackFinished']);
      expect((await f.ari.get('/sounds/queue-thereare')).body).toEqual({
        id: 'queue-thereare',
        formats: [{ language: 'en', format: 'gsm' }],
      });
      expect(await f.ari.get('/sounds/no-such-sound')).toMatchObject({
        status: 404,
        body: { message: 'Sound not found' },
      });
      expect(((await f.ari.get('/sounds?lang=en')).body as unknown[]).length).toBeGreaterThan(10);
    });
  });
});
