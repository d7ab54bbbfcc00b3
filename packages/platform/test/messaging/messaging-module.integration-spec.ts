import { Test } from '@nestjs/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CallStarted } from '@cc/contracts';
import {
  EventConsumerService,
  EventPublisher,
  MessagingModule,
  NatsConnectionService,
  NatsHealthIndicator,
  deadLetterStream,
  domainStream,
  onEvent,
  type ConsumerDefinition,
} from '../../src/messaging';
import { NATS_URL, suffix, uniqueStreamPrefix, uniqueTenants, waitFor } from './messaging-test.util';

jest.setTimeout(30_000);

describe('MessagingModule (Nest DI, real NATS)', () => {
  const prefix = uniqueStreamPrefix();
  const [tenant] = uniqueTenants(1) as [string];
  const telephony = domainStream('telephony', { prefix, tenants: [tenant], maxAgeMs: 60_000 });
  const dlq = deadLetterStream({ prefix, tenants: [tenant], maxAgeMs: 60_000 });
  const consumer: ConsumerDefinition = {
    stream: telephony.name,
    durableName: `module_${suffix()}`,
    filterSubjects: [`cc.${tenant}.telephony.call.started`],
    ackWaitMs: 5_000,
    maxDeliver: 3,
    deadLetterStream: dlq.name,
  };

  afterAll(async () => {
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    for (const stream of [telephony, dlq]) await jsm.streams.delete(stream.name).catch(() => false);
    await nc.close();
  });

  it('connects, declares the topology at init, publishes, consumes, reports health and drains on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            servers: NATS_URL,
            name: 'module-spec',
            streams: [telephony, dlq],
            consumers: [consumer],
          }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    try {
      await app.init();
    } catch (error) {
      await app.close();
      throw error;
    }

    const nats = app.get(NatsConnectionService);
    expect(nats.status).toBe('connected');
    const jsm = await nats.jetstreamManager();
    expect((await jsm.consumers.info(telephony.name, consumer.durableName)).config.durable_name).toBe(
      consumer.durableName,
    );

    const seen: string[] = [];
    await app
      .get(EventConsumerService)
      .consume(consumer, [
        onEvent(CallStarted, (envelope) => Promise.resolve(void seen.push(envelope.payload.callId))),
      ]);
    await app
      .get(EventPublisher)
      .publish(CallStarted, tenant, { callId: 'c-mod', direction: 'inbound', from: '100', to: '200' });
    await waitFor('the module consumer', () => (seen.length > 0 ? seen : undefined));
    expect(seen).toEqual(['c-mod']);
    expect(await app.get(NatsHealthIndicator).isHealthy('nats')).toMatchObject({ nats: { status: 'up' } });

    await app.close();
    expect(nats.status).toBe('closed');
  });
});
