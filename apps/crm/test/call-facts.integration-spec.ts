import { CallEnded, createEnvelope, type EventEnvelope, type PayloadOf, subjectOf } from '@cc/contracts';
import { domainStream, type MessageOutcome, publishEnvelope } from '@cc/platform';
import { randomSuffix, type TestDatabase, waitFor } from '@cc/testing';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import request from 'supertest';
import type { App } from 'supertest/types';
import { CustomerTierChanged } from '../src/modules/value/crm.events';
import { type CrmTestApp, crmTestDatabase, startCrmTestApp, uniqueTenants } from './crm-test-app';

describe('crm consumes call facts into interactions (JetStream)', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const prefix = `TCRM${randomSuffix().toUpperCase()}_`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: TestDatabase;
  let crm: CrmTestApp;
  let outcomes: MessageOutcome[] = [];
  let customerId: string;

  const start = () =>
    startCrmTestApp({
      db,
      messaging: { streamPrefix: prefix, tenants: [tenantA, tenantB] },
      onCallFactOutcome: (o) => outcomes.push(o),
    });

  const callEnded = (tenantId: string, from: string): EventEnvelope<PayloadOf<typeof CallEnded>> =>
    createEnvelope(CallEnded, tenantId, {
      callId: `call-${randomSuffix()}`,
      direction: 'inbound',
      from,
      to: '+41 44 000 00 00',
      queueId: 'support',
      agentId: 'agent-1',
      startedAt: '2026-11-23T09:00:00Z',
      answeredAt: '2026-11-23T09:00:20Z',
      endedAt: '2026-11-23T09:05:00Z',
      waitMs: 20_000,
      talkMs: 280_000,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      hangupBy: 'caller',
      disposition: 'resolved',
      recordingId: 'rec-1',
    });

  const publish = (envelope: EventEnvelope) =>
    publishEnvelope(jetstream(nc), subjectOf(CallEnded, envelope.tenantId), envelope);

  const interactionsOf = (eventId: string) =>
    crm.ownerQuery<{ tenant_id: string; customer_id: string | null; talk_ms: number }>(
      'SELECT tenant_id, customer_id, talk_ms FROM interaction WHERE event_id = $1',
      [eventId],
    );

  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
    // Telephony owns this stream in production; here the suite plays telephony, with a short
    // duplicate window so that the same fact can be stored (and so redelivered) twice.
    await jsm.streams.add({
      name: `${prefix}CC_TELEPHONY`,
      subjects: domainStream('telephony', { tenants: [tenantA, tenantB] }).subjects,
      duplicate_window: 100_000_000,
    });
    db = await crmTestDatabase();
    crm = await start();
    const { body } = await request(crm.app.getHttpServer() as App)
      .post('/v1/customers')
      .set('x-tenant-id', tenantA)
      .send({ firstName: 'Caller', phoneNumbers: [{ number: '+41 79 555 00 11' }] })
      .expect(201);
    customerId = body.id as string;
  });

  afterAll(async () => {
    await crm?.close();
    for (const stream of ['CC_TELEPHONY', 'CC_CRM', 'CC_DLQ'])
      await jsm.streams.delete(`${prefix}${stream}`).catch(() => false);
    await nc.drain();
    await db.drop();
  });

  it('writes one interaction for the caller, even when the fact arrives twice', async () => {
    const fact = callEnded(tenantA, '+41795550011');
    await publish(fact);
    await waitFor('the interaction', async () => (await interactionsOf(fact.id)).length === 1);
    expect(await interactionsOf(fact.id)).toEqual([
      { tenant_id: tenantA, customer_id: customerId, talk_ms: 280_000 },
    ]);

    await new Promise((resolve) => setTimeout(resolve, 300)); // past the stream's duplicate window
    const again = await publish(fact);
    expect(again.duplicate).toBe(false);
    await waitFor('the second delivery', () => outcomes.length >= 2);
    expect(await interactionsOf(fact.id)).toHaveLength(1);
  });

  it('stays idempotent across a restart (no in-memory de-dup): the inbox row in the same transaction decides', async () => {
    const fact = callEnded(tenantA, '079 555 00 11');
    await publish(fact);
    await waitFor('the interaction', async () => (await interactionsOf(fact.id)).length === 1);
    await crm.close();
    outcomes = [];
    crm = await start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publish(fact);
    await waitFor('the redelivered fact to be handled', () => outcomes.includes('acked'));
    expect(await interactionsOf(fact.id)).toHaveLength(1);
    const inbox = await crm.ownerQuery('SELECT event_id FROM processed_event WHERE event_id = $1', [fact.id]);
    expect(inbox).toHaveLength(1);
  });

  it('reports ready with its Postgres and NATS checks both up', async () => {
    const res = await request(crm.app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({ details: { postgres: { status: 'up' }, nats: { status: 'up' } } });
  });

  it('keeps a fact of tenant B away from tenant A customers', async () => {
    const fact = callEnded(tenantB, '+41795550011');
    await publish(fact);
    await waitFor('the interaction', async () => (await interactionsOf(fact.id)).length === 1);
    expect(await interactionsOf(fact.id)).toEqual([
      { tenant_id: tenantB, customer_id: null, talk_ms: 280_000 },
    ]);
  });

  it('publishes customer.tier_changed through the outbox when revenue moves a customer up', async () => {
    await request(crm.app.getHttpServer() as App)
      .post(`/v1/customers/${customerId}/revenue`)
      .set('x-tenant-id', tenantA)
      .send({ amountMinor: 5000, currency: 'EUR' })
      .expect(201);
    const message = await waitFor('the tier fact', () =>
      jsm.streams
        .getMessage(`${prefix}CC_CRM`, { last_by_subj: subjectOf(CustomerTierChanged, tenantA) })
        .then((m) => m ?? undefined)
        .catch(() => undefined),
    );
    const envelope = message.json<EventEnvelope<PayloadOf<typeof CustomerTierChanged>>>();
    expect(envelope).toMatchObject({
      type: 'crm.customer.tier_changed',
      tenantId: tenantA,
      payload: {
        customerId,
        from: 'unspecified',
        to: 'top',
        toTier: 4,
        lifetimeValueMinor: '5000',
        currency: 'EUR',
      },
    });
    await waitFor('the outbox row to be marked published', async () => {
      const rows = await crm.ownerQuery<{ published_at: Date | null }>(
        'SELECT published_at FROM outbox_event WHERE id = $1',
        [envelope.id],
      );
      return rows[0]?.published_at instanceof Date;
    });
  });
});
