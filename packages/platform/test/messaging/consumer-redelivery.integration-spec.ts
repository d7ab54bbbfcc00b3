import { Client } from 'pg';
import type { JetStreamManager } from '@nats-io/jetstream';
import { CallEnded } from '@cc/contracts';
import {
  EventConsumerService,
  EventPublisher,
  NatsConnectionService,
  deadLetterStream,
  domainStream,
  ensureStreams,
  type ConsumerDefinition,
  type MessageOutcome,
  type RunningConsumer,
} from '../../src/messaging';
import { effectTableDdl, inboxHandler } from './fixtures/inbox-handler.fixture-util';
import {
  DATABASE_URL,
  FixtureProcess,
  NATS_URL,
  databaseUrlFor,
  suffix,
  uniqueStreamPrefix,
  uniqueTenants,
  waitFor,
} from './messaging-test.util';

jest.setTimeout(60_000);

describe('crash before ack: redelivery without a duplicate effect (real NATS + Postgres)', () => {
  const database = `cc_msg_${suffix()}`;
  const schema = 'svc';
  const prefix = uniqueStreamPrefix();
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const telephony = domainStream('telephony', { prefix, tenants: [tenantA, tenantB], maxAgeMs: 10 * 60_000 });
  const dlq = deadLetterStream({ prefix, tenants: [tenantA, tenantB], maxAgeMs: 10 * 60_000 });
  const consumerDef: ConsumerDefinition = {
    stream: telephony.name,
    durableName: `crm_interactions_${suffix()}`,
    filterSubjects: [`cc.${tenantB}.telephony.call.ended`],
    // Short, so the killed consumer's message comes back quickly.
    ackWaitMs: 1_500,
    maxDeliver: 5,
    deadLetterStream: dlq.name,
  };
  let admin: Client;
  let db: Client;
  let nats: NatsConnectionService;
  let jsm: JetStreamManager;
  let crashing: FixtureProcess | undefined;
  let second: RunningConsumer | undefined;

  beforeAll(async () => {
    admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    db = new Client({ connectionString: databaseUrlFor(database) });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(effectTableDdl(schema));
    nats = new NatsConnectionService({ servers: NATS_URL, name: 'redelivery-spec' });
    await nats.connect();
    jsm = await nats.jetstreamManager();
    await ensureStreams(jsm, [telephony, dlq], [consumerDef]);
  });

  afterAll(async () => {
    crashing?.kill('SIGKILL');
    await second?.stop();
    for (const stream of [telephony, dlq]) await jsm.streams.delete(stream.name).catch(() => false);
    await nats.drain();
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('a consumer killed after its commit and before its ack leaves exactly one effect', async () => {
    crashing = new FixtureProcess('inbox-consumer.fixture.ts', {
      NATS_URL,
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA: schema,
      CONSUMER_DEF: JSON.stringify(consumerDef),
    });
    const ready = await crashing.line<{ event: string; pid: number }>(
      'the crashing consumer to start',
      (l) => l.event === 'ready',
    );
    expect(ready.pid).toBe(crashing.child.pid);

    const published = await new EventPublisher(nats).publish(CallEnded, tenantB, {
      callId: 'call-crash',
      direction: 'inbound',
      from: '+33612345678',
      to: '+33140000000',
      startedAt: '2025-01-01T10:00:00.000Z',
      endedAt: '2025-01-01T10:01:00.000Z',
      waitMs: 0,
      talkMs: 60_000,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      hangupBy: 'caller',
    });
    const committed = await crashing.line<{ event: string; eventId: string; ran: boolean }>(
      'the first commit',
      (l) => l.event === 'committed',
    );
    expect(committed).toMatchObject({ eventId: published.envelope.id, ran: true });
    crashing.kill('SIGKILL');
    expect((await crashing.exited()).signal).toBe('SIGKILL');

    // The effect is committed, the message is not acknowledged.
    expect((await db.query(`SELECT count(*)::int AS n FROM ${schema}.call_effect`)).rows).toEqual([{ n: 1 }]);
    const pending = await jsm.consumers.info(consumerDef.stream, consumerDef.durableName);
    expect(pending.num_ack_pending + pending.num_pending).toBe(1);

    // A second instance of the same durable consumer gets the redelivery and skips the effect.
    const runs: { eventId: string; ran: boolean }[] = [];
    const outcomes: MessageOutcome[] = [];
    second = await new EventConsumerService(nats).consume(
      consumerDef,
      [
        inboxHandler(db, schema, consumerDef.durableName, {
          afterCommit: (eventId, ran) => Promise.resolve(void runs.push({ eventId, ran })),
        }),
      ],
      { onOutcome: (o) => outcomes.push(o), logger: { warn: () => undefined, error: () => undefined } },
    );
    await waitFor('the redelivery to be handled', () => (outcomes.includes('acked') ? true : undefined));
    expect(runs).toEqual([{ eventId: published.envelope.id, ran: false }]);

    const effects = await db.query(`SELECT tenant_id, event_id, call_id FROM ${schema}.call_effect`);
    expect(effects.rows).toEqual([
      { tenant_id: tenantB, event_id: published.envelope.id, call_id: 'call-crash' },
    ]);
    const inbox = await db.query(`SELECT consumer, event_id FROM ${schema}.processed_event`);
    expect(inbox.rows).toEqual([{ consumer: consumerDef.durableName, event_id: published.envelope.id }]);
    // Acks are fire-and-forget: wait until the server has counted the second instance's.
    const after = await waitFor('the server to count the ack', async () => {
      const info = await jsm.consumers.info(consumerDef.stream, consumerDef.durableName);
      return info.num_ack_pending === 0 ? info : undefined;
    });
    // Delivered twice: to the killed instance, then (redelivered) to the second one.
    expect(after.delivered.consumer_seq).toBe(2);
  });
});
