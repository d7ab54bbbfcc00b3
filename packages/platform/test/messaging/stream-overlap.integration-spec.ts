import { PrivateNatsServer } from '@cc/testing';
import { domainStream, ensureStreams, NatsConnectionService } from '../../src/messaging';

describe('declaring a stream whose subjects another stream holds', () => {
  let server: PrivateNatsServer;
  let nats: NatsConnectionService;

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
    nats = new NatsConnectionService({ servers: server.url, name: 'overlap-spec' });
    await nats.connect();
  });
  afterAll(async () => {
    await nats?.drain();
    await server?.dispose();
  });

  it('fails with the names and subjects of the streams in the way', async () => {
    const jsm = await nats.jetstreamManager();
    await ensureStreams(jsm, [domainStream('telephony', { prefix: 'STALE_', tenants: ['t_left_behind'] })]);
    await expect(ensureStreams(jsm, [domainStream('telephony')])).rejects.toThrow(
      /stream CC_TELEPHONY \[cc\.\*\.telephony\.>\] overlaps .*STALE_CC_TELEPHONY \[cc\.t_left_behind\.telephony\.>\]/,
    );
  });
});
