import { AgentStateChanged } from '@cc/contracts';
import { EventPublisher, NatsConnectionService } from '@cc/platform';
import { randomSuffix, uniqueTenantId, waitFor } from '@cc/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { fanoutConsumerDefinitions } from '../src/modules/webhooks/webhook-fanout.consumer';
import { verifySignature } from '../src/modules/webhooks/webhook-signature.util';
import { bearer, provisionTenant, startGatewayTestApp, type GatewayTestApp } from './gateway-test-app';

interface Received {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/**
 * The whole NATS path: a fact published with the kit's EventPublisher on a real JetStream stream,
 * consumed by the gateway's durable, fanned out to the matching subscriptions, signed and POSTed to
 * a receiver on 127.0.0.1.
 */
describe('webhooks from published facts (NATS JetStream -> fan-out -> signed delivery)', () => {
  let t: GatewayTestApp;
  let server: Server;
  const received: Received[] = [];
  const prefix = `GWN${randomSuffix()}_`;
  const tenantA = uniqueTenantId('whna');
  const tenantB = uniqueTenantId('whnb');
  const tenantC = uniqueTenantId('whnc');
  const secrets: Record<string, string> = {};
  const subscriptions: Record<string, string> = {};
  const keys: Record<string, string> = {};

  const payload = (agentId: string) => ({
    agentId,
    from: 'available' as const,
    to: 'on_call' as const,
    durationMs: 1_250,
  });
  const receivedFor = (tenantId: string) => received.filter((r) => r.path === `/${tenantId}`);

  /** Waits until the gateway's durables have acknowledged everything published so far. */
  async function drained(): Promise<void> {
    const jsm = await t.app.get(NatsConnectionService).jetstreamManager();
    await waitFor('the fan-out durables to acknowledge every fact', async () => {
      for (const definition of fanoutConsumerDefinitions(prefix, [tenantA, tenantB, tenantC])) {
        const info = await jsm.consumers.info(definition.stream, definition.durableName);
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    });
    await waitFor('no delivery left pending', async () => {
      const rows = await t.ownerQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'pending'`,
      );
      return rows[0]?.n === 0;
    });
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startGatewayTestApp(
      {
        WEBHOOKS_ENABLED: 'true',
        NATS_STREAM_PREFIX: prefix,
        WEBHOOK_ALLOW_INSECURE_URLS: 'true',
        WEBHOOK_POLL_MS: '20',
      },
      { tenants: [tenantA, tenantB, tenantC] },
    );
    for (const tenantId of [tenantA, tenantB, tenantC]) {
      keys[tenantId] = (await provisionTenant(t.app, tenantId)).key;
      // C subscribes to another fact type only: it must get nothing either.
      const factTypes = tenantId === tenantC ? ['telephony.call.ended'] : [AgentStateChanged.type];
      const created = await request(t.app.getHttpServer())
        .post('/v1/webhooks')
        .set(bearer(keys[tenantId]))
        .send({ url: `${receiver}/${tenantId}`, factTypes })
        .expect(201);
      const body = created.body as { id: string; secret: string };
      secrets[tenantId] = body.secret;
      subscriptions[tenantId] = body.id;
    }
  }, 60_000);

  afterAll(async () => {
    const nats = t?.app.get(NatsConnectionService);
    if (nats) {
      const jsm = await nats.jetstreamManager();
      for (const name of [`${prefix}CC_TELEPHONY`, `${prefix}CC_ACD`, `${prefix}CC_DLQ`]) {
        await jsm.streams.delete(name).catch(() => false);
      }
    }
    await t?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("delivers tenant A's fact once, signed, only to A's subscription, even when published again", async () => {
    const publisher = t.app.get(EventPublisher);
    const first = await publisher.publish(AgentStateChanged, tenantA, payload('agent-1'));
    expect(first.duplicate).toBe(false);
    // The same envelope id again: JetStream's duplicate window drops it ...
    const again = await publisher.publish(AgentStateChanged, tenantA, payload('agent-1'), {
      id: first.envelope.id,
    });
    expect(again.duplicate).toBe(true);
    // ... and past that window (another message id, same envelope) the gateway's inbox drops it.
    const nats = t.app.get(NatsConnectionService);
    const ack = await nats.jetstream.publish(first.subject, JSON.stringify(first.envelope), {
      msgID: `replayed-${first.envelope.id}`,
    });
    expect(ack.duplicate).toBe(false);

    await waitFor('the signed delivery to reach the receiver', () => receivedFor(tenantA).length > 0);
    await drained();

    const forA = receivedFor(tenantA);
    expect(forA).toHaveLength(1);
    const delivery = forA[0]!;
    expect(JSON.parse(delivery.body)).toMatchObject({
      id: first.envelope.id,
      type: AgentStateChanged.type,
      tenantId: tenantA,
      payload: payload('agent-1'),
    });
    expect(delivery.headers['cc-event-type']).toBe(AgentStateChanged.type);
    const signature = String(delivery.headers['cc-webhook-signature']);
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(secrets[tenantA]!, signature, delivery.body, now)).toBe(true);
    expect(verifySignature(secrets[tenantB]!, signature, delivery.body, now)).toBe(false);

    expect(receivedFor(tenantB)).toEqual([]);
    expect(receivedFor(tenantC)).toEqual([]);
    const rows = await t.ownerQuery<{ tenant_id: string; status: string; subject: string }>(
      'SELECT tenant_id, status, subject FROM webhook_delivery WHERE event_id = $1',
      [first.envelope.id],
    );
    expect(rows).toEqual([{ tenant_id: tenantA, status: 'delivered', subject: first.subject }]);
  }, 30_000);

  it("gives tenant B its own facts and never A's, with B's deliveries invisible to A", async () => {
    const publisher = t.app.get(EventPublisher);
    const before = { a: receivedFor(tenantA).length, b: receivedFor(tenantB).length };
    const forB = await publisher.publish(AgentStateChanged, tenantB, payload('agent-b'));
    const forA = await publisher.publish(AgentStateChanged, tenantA, payload('agent-a2'));
    await waitFor(
      'both deliveries',
      () => receivedFor(tenantB).length > before.b && receivedFor(tenantA).length > before.a,
    );
    await drained();
    const bodiesB = receivedFor(tenantB).map((r) => JSON.parse(r.body) as { id: string; tenantId: string });
    expect(bodiesB.map((b) => b.id)).toEqual([forB.envelope.id]);
    expect(bodiesB.every((b) => b.tenantId === tenantB)).toBe(true);
    expect(
      receivedFor(tenantA)
        .slice(before.a)
        .map((r) => (JSON.parse(r.body) as { id: string }).id),
    ).toEqual([forA.envelope.id]);
    expect(receivedFor(tenantC)).toEqual([]);
    const seenByA = await request(t.app.getHttpServer())
      .get(`/v1/webhooks/${subscriptions[tenantB]}/deliveries`)
      .set(bearer(keys[tenantA]!));
    expect(seenByA.status).toBe(404);
  }, 30_000);
});
