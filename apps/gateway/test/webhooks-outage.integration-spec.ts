import { AgentStateChanged, CallStarted } from '@cc/contracts';
import { EventPublisher, NatsConnectionService } from '@cc/platform';
import { randomSuffix, uniqueTenantId, waitFor } from '@cc/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { verifySignature } from '../src/modules/webhooks/webhook-signature.util';
import { bearer, provisionTenant, startGatewayTestApp, type GatewayTestApp } from './gateway-test-app';

interface Received {
  deliveryId: string;
  answered: number;
  body: string;
  signature: string;
}

interface Published {
  eventId: string;
  subject: string;
}

const FAILED_ATTEMPTS_WHILE_REFUSED = 3;
const FAILED_ATTEMPTS_WHILE_503 = 3;

/**
 * A receiver that is down for a while: facts published through JetStream while nothing listens on
 * its port (connection refused), then while it answers 503, then it recovers. Back-off is shortened
 * through the ordinary settings and the attempt limit is far above what the outage costs, so no
 * delivery may be dead-lettered: each fact must arrive exactly once, in order, correctly signed.
 */
describe('webhook deliveries across a receiver outage (refused, then 503, then back)', () => {
  let t: GatewayTestApp;
  let port = 0;
  let mode: 'unavailable' | 'ok' = 'unavailable';
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const answered = mode === 'ok' ? 204 : 503;
      received.push({
        deliveryId: String(req.headers['cc-webhook-id']),
        answered,
        body,
        signature: String(req.headers['cc-webhook-signature']),
      });
      res.writeHead(answered).end();
    });
  });
  const prefix = `GWO${randomSuffix()}_`;
  const tenant = uniqueTenantId('whout');
  let secret = '';

  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));

  beforeAll(async () => {
    // Take a free port, then release it: until the receiver listens again, connecting is refused.
    await listen(0);
    port = (server.address() as AddressInfo).port;
    await stop();
    t = await startGatewayTestApp(
      {
        WEBHOOKS_ENABLED: 'true',
        NATS_STREAM_PREFIX: prefix,
        WEBHOOK_ALLOW_INSECURE_URLS: 'true',
        WEBHOOK_POLL_MS: '20',
        WEBHOOK_BASE_DELAY_MS: '20',
        WEBHOOK_MAX_DELAY_MS: '100',
        WEBHOOK_MAX_ATTEMPTS: '50',
        WEBHOOK_TIMEOUT_MS: '2000',
      },
      { tenants: [tenant] },
    );
    const { key } = await provisionTenant(t.app, tenant);
    const created = await request(t.app.getHttpServer())
      .post('/v1/webhooks')
      .set(bearer(key))
      .send({ url: `http://127.0.0.1:${port}/hooks`, factTypes: ['*'] })
      .expect(201);
    secret = (created.body as { secret: string }).secret;
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
    if (server.listening) await stop();
  });

  const deliveryRows = () =>
    t.ownerQuery<{
      id: string;
      event_id: string;
      status: string;
      attempts: number;
      last_status_code: number | null;
    }>(
      'SELECT id, event_id, status, attempts, last_status_code FROM webhook_delivery WHERE tenant_id = $1 ORDER BY id',
      [tenant],
    );

  it('delivers every fact once, in publish order per subject, signed, after the receiver returns', async () => {
    const publisher = t.app.get(EventPublisher);
    const published: Published[] = [];
    // Published back to back, so several facts share a millisecond; two streams, so two subjects
    // fan out concurrently.
    for (let i = 0; i < 12; i++) {
      const agent = await publisher.publish(AgentStateChanged, tenant, {
        agentId: `agent-${i % 3}`,
        from: i % 2 === 0 ? 'available' : 'on_call',
        to: i % 2 === 0 ? 'on_call' : 'available',
        durationMs: i,
      });
      const call = await publisher.publish(CallStarted, tenant, {
        callId: `call-${i}`,
        direction: 'inbound',
        from: '+15550000000',
        to: '+15550000001',
      });
      for (const p of [agent, call]) published.push({ eventId: p.envelope.id, subject: p.subject });
    }
    expect(new Set(published.map((p) => p.subject)).size).toBe(2);

    // Down: nothing listens. Wait until the fan-out wrote every delivery and the first one failed
    // a few times on a refused connection (no status code at all).
    await waitFor(
      'refused attempts on the oldest delivery',
      async () => {
        const rows = await deliveryRows();
        return (
          rows.length === published.length &&
          rows[0]!.attempts >= FAILED_ATTEMPTS_WHILE_REFUSED &&
          rows[0]!.last_status_code === null
        );
      },
      20_000,
    );
    expect(received).toEqual([]);

    // Up but failing: 503 to everything.
    await listen(port);
    await waitFor(
      'the receiver to refuse a few attempts with 503',
      () => received.length >= FAILED_ATTEMPTS_WHILE_503,
      20_000,
    );
    const rowsWhile503 = await deliveryRows();
    expect(rowsWhile503.every((r) => r.status === 'pending')).toBe(true);

    // Back.
    mode = 'ok';
    await waitFor(
      'every delivery to be delivered',
      async () => (await deliveryRows()).every((r) => r.status === 'delivered'),
      30_000,
    );

    const failed = received.filter((r) => r.answered === 503);
    const accepted = received.filter((r) => r.answered === 204);
    // While the receiver failed, only the oldest delivery was tried: nothing jumped the queue.
    expect(new Set(failed.map((r) => r.deliveryId)).size).toBe(1);

    // Each fact accepted exactly once.
    const acceptedEventIds = accepted.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect([...acceptedEventIds].sort()).toEqual(published.map((p) => p.eventId).sort());
    expect(new Set(accepted.map((r) => r.deliveryId)).size).toBe(accepted.length);

    // In publish order per subject.
    const subjectOf = new Map(published.map((p) => [p.eventId, p.subject]));
    for (const subject of new Set(published.map((p) => p.subject))) {
      expect(acceptedEventIds.filter((id) => subjectOf.get(id) === subject)).toEqual(
        published.filter((p) => p.subject === subject).map((p) => p.eventId),
      );
    }

    // Every request, failed or not, is signed with the subscription's secret over its exact body.
    const now = Math.floor(Date.now() / 1000);
    for (const r of received) expect(verifySignature(secret, r.signature, r.body, now)).toBe(true);

    // The outage cost the first delivery attempts, not a dead letter.
    const rows = await deliveryRows();
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(
      FAILED_ATTEMPTS_WHILE_REFUSED + FAILED_ATTEMPTS_WHILE_503 + 1,
    );
    const attempts = await t.ownerQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_attempt WHERE delivery_id = $1 AND status_code IS NULL`,
      [rows[0]!.id],
    );
    expect(attempts[0]!.n).toBeGreaterThanOrEqual(FAILED_ATTEMPTS_WHILE_REFUSED);
  }, 90_000);
});
