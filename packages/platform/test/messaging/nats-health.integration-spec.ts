import { HealthIndicatorService } from '@nestjs/terminus';
import { CallStarted } from '@cc/contracts';
import {
  EventConsumerService,
  EventPublisher,
  NatsConnectionService,
  NatsHealthIndicator,
  deadLetterStream,
  domainStream,
  ensureStreams,
  natsHealth,
  onEvent,
  type NatsHealth,
} from '../../src/messaging';
import { PrivateNatsServer } from '@cc/testing';
import { uniqueTenants, waitFor } from './messaging-test.util';

jest.setTimeout(60_000);

describe('NATS health (private nats-server)', () => {
  let server: PrivateNatsServer;
  let nats: NatsConnectionService;

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
    nats = new NatsConnectionService({ servers: server.url, name: 'health-spec' });
    await nats.connect();
  });

  afterAll(async () => {
    await nats?.drain();
    await server?.dispose();
  });

  const until = (status: NatsHealth['status']) => (): Promise<NatsHealth | undefined> =>
    natsHealth(nats, 500).then((h) => (h.status === status ? h : undefined));

  it('is up with JetStream details, down while the server is gone, up again when it returns', async () => {
    const indicator = new NatsHealthIndicator(new HealthIndicatorService(), nats);
    const up = await natsHealth(nats);
    expect(up).toMatchObject({ status: 'up', connection: 'connected', jetstream: { streams: 0 } });
    expect(await indicator.isHealthy('nats')).toMatchObject({
      nats: { status: 'up', connection: 'connected' },
    });

    await server.stop();
    const down = await waitFor('health to turn down', until('down'));
    expect(down.connection).toBe('reconnecting');
    expect(await indicator.isHealthy('nats')).toMatchObject({
      nats: { status: 'down', connection: 'reconnecting' },
    });

    await server.start();
    const back = await waitFor('health to turn up again', until('up'), 20_000);
    expect(back).toMatchObject({ status: 'up', connection: 'connected' });
    expect(nats.status).toBe('connected');
  });

  it('keeps a running consumer working across a server restart', async () => {
    const [tenant] = uniqueTenants(1) as [string];
    const stream = domainStream('telephony', { tenants: [tenant] });
    const dlq = deadLetterStream({ tenants: [tenant] });
    await ensureStreams(await nats.jetstreamManager(), [stream, dlq], []);
    const consumer = {
      stream: stream.name,
      durableName: 'restart_survivor',
      filterSubjects: [`cc.${tenant}.telephony.call.started`],
      ackWaitMs: 2_000,
      maxDeliver: 5,
      deadLetterStream: dlq.name,
    };
    await ensureStreams(await nats.jetstreamManager(), [], [consumer]);
    const seen: string[] = [];
    const running = await new EventConsumerService(nats).consume(consumer, [
      onEvent(CallStarted, (envelope) => Promise.resolve(void seen.push(envelope.payload.callId))),
    ]);
    const publisher = new EventPublisher(nats);
    const call = (callId: string) => ({ callId, direction: 'inbound' as const, from: '1', to: '2' });
    await publisher.publish(CallStarted, tenant, call('before'));
    await waitFor('the first event', () => (seen.length === 1 ? true : undefined));

    await server.stop();
    await waitFor('health to turn down', until('down'));
    await server.start();
    await waitFor('health to turn up again', until('up'), 20_000);

    await publisher.publish(CallStarted, tenant, call('after'));
    await waitFor(
      'the event published after the restart',
      () => (seen.length === 2 ? true : undefined),
      40_000,
    );
    expect(seen).toEqual(['before', 'after']);
    await running.stop();
  });

  it('is down once the connection is drained (closed)', async () => {
    const other = new NatsConnectionService({ servers: server.url });
    expect(await natsHealth(other)).toMatchObject({ status: 'down', connection: 'disconnected' });
    await other.connect();
    expect((await natsHealth(other)).status).toBe('up');
    await other.drain();
    expect(await natsHealth(other)).toMatchObject({ status: 'down', connection: 'closed' });
  });

  it('is down when connected to a server without JetStream', async () => {
    const plain = await PrivateNatsServer.start({ jetstream: false });
    const client = new NatsConnectionService({ servers: plain.url });
    try {
      await client.connect();
      const health = await natsHealth(client, 500);
      expect(health).toMatchObject({ status: 'down', connection: 'connected' });
      expect(health.error).toBeTruthy();
    } finally {
      await client.drain();
      await plain.dispose();
    }
  });
});
