import * as ari from 'ari-client';
import { ManualClock } from '../src/domain/clock';
import { startAriSim, type AriSim } from '../src/http/ari-sim.server';

/**
 * The ari-client package builds its API from our api-docs documents and drives an inbound call end to end.
 * (ari-client throws a 401 from connect() outside any promise with wrong credentials, so only good ones are used.)
 */
describe('ari-client against the simulator', () => {
  let sim: AriSim;
  let clock: ManualClock;
  let client: ari.Client;

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined); // swagger-client's deprecation notice
    clock = new ManualClock();
    sim = await startAriSim({ port: 0, clock });
    client = await ari.connect(sim.url, 'asterisk', 'asterisk');
    await client.start('callcenter');
  });

  afterAll(async () => {
    client.stop();
    await sim.stop();
    jest.restoreAllMocks();
  });

  it('drives an inbound call: StasisStart, answer, play, originate agent, bridge, hang up', async () => {
    const seen: string[] = [];
    client.on('*', (event) => seen.push(String(event['type'])));
    sim.world.setEndpointBehaviour('PJSIP/agent-1001', { answerAfterMs: 1000 });

    const callerStarted = new Promise<ari.Channel>((resolve) =>
      client.on('StasisStart', (event, channel) => {
        if (event.args[0] === 'inbound') resolve(channel);
      }),
    );
    const res = await fetch(`${sim.url}/sim/v1/inbound-calls`, {
      method: 'POST',
      body: JSON.stringify({ from: '+15550001111', to: '+15551000' }),
    });
    expect(res.status).toBe(201);
    const caller = await callerStarted;
    expect(caller.name).toMatch(/^PJSIP\/sipp-/);

    await caller.answer();
    const playback = client.Playback();
    const finished = new Promise<void>((resolve) => playback.once('PlaybackFinished', () => resolve()));
    await caller.play({ media: 'sound:hello-world' }, playback);
    clock.advance(1500);
    await finished;

    const agentStarted = new Promise<ari.Channel>((resolve) =>
      client.on('StasisStart', (event, channel) => {
        if (event.args[0] === 'agent') resolve(channel);
      }),
    );
    const agentLeg = await client.channels.originate({
      endpoint: 'PJSIP/agent-1001',
      app: 'callcenter',
      appArgs: `agent,${caller.id}`,
      callerId: '"Queue" <5551000>',
    });
    clock.advance(1000);
    const agent = await agentStarted;
    expect(agent.id).toBe(agentLeg.id);

    const bridge = await client.bridges.create({ type: 'mixing', name: `call-${caller.id}` });
    await bridge.addChannel({ channel: `${caller.id},${agent.id}` });
    expect((await client.bridges.get({ bridgeId: bridge.id })).channels).toEqual([caller.id, agent.id]);

    const ended = new Promise<void>((resolve) =>
      client.on('StasisEnd', (_event, channel) => {
        if ((channel as ari.Channel).id === caller.id) resolve();
      }),
    );
    await agent.hangup();
    await caller.hangup();
    await ended;
    await bridge.destroy();
    expect(await client.channels.list()).toEqual([]);
    expect(seen).toEqual(
      expect.arrayContaining(['ChannelEnteredBridge', 'ChannelLeftBridge', 'ChannelDestroyed', 'StasisEnd']),
    );
  });
});
