import { randomBytes } from 'node:crypto';
import { NatsConnectionService } from '@cc/platform';
import { randomSuffix } from '@cc/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { webhookSecretKeys } from '../src/config/gateway.config';
import { GatewayDatabase } from '../src/infrastructure/gateway-database';
import { SecretCipher } from '../src/infrastructure/secret-cipher.util';
import { WebhookFanoutConsumer } from '../src/modules/webhooks/webhook-fanout.consumer';
import { WebhookSecrets } from '../src/modules/webhooks/webhook-secrets.service';
import { verifySignature } from '../src/modules/webhooks/webhook-signature.util';
import { OPERATOR_TOKEN, startGatewayTestApp, type GatewayTestApp } from './gateway-test-app';

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('webhook deliveries against a local receiver', () => {
  let t: GatewayTestApp;
  let server: Server;
  const received: Received[] = [];
  let failNext = 0;
  const prefix = `GW${randomSuffix()}_`;
  const tenantA = `wa_${randomSuffix()}`;
  const tenantB = `wb_${randomSuffix()}`;
  const keys: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const subs: Record<string, string> = {};
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(500).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startGatewayTestApp(
      {
        WEBHOOKS_ENABLED: 'true',
        NATS_STREAM_PREFIX: prefix,
        WEBHOOK_ALLOW_INSECURE_URLS: 'true',
        WEBHOOK_BASE_DELAY_MS: '20',
        WEBHOOK_MAX_DELAY_MS: '50',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_POLL_MS: '20',
      },
      { tenants: [tenantA, tenantB] },
    );
    const http = t.app.getHttpServer();
    for (const id of [tenantA, tenantB]) {
      await request(http)
        .post('/admin/v1/tenants')
        .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
        .send({ id, name: id })
        .expect(201);
      const key = await request(http)
        .post(`/admin/v1/tenants/${id}/api-keys`)
        .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
        .send({ name: 'k', scopes: ['webhooks:read', 'webhooks:write'] })
        .expect(201);
      keys[id] = (key.body as { key: string }).key;
      const sub = await request(http)
        .post('/v1/webhooks')
        .set('Authorization', `Bearer ${keys[id]}`)
        .send({ url: `${url}/${id}`, factTypes: ['telephony.call.ended'] })
        .expect(201);
      secrets[id] = (sub.body as { secret: string }).secret;
      subs[id] = (sub.body as { id: string }).id;
    }
  }, 60_000);

  afterAll(async () => {
    const nats = t?.app.get(NatsConnectionService);
    if (nats) {
      const jsm = await nats.jetstreamManager();
      for (const name of [`${prefix}CC_TELEPHONY`, `${prefix}CC_ACD`, `${prefix}CC_DLQ`])
        await jsm.streams.delete(name).catch(() => false);
    }
    await t?.close();
    await new Promise((r) => server.close(r));
  });

  const fact = (tenantId: string, id: string, type = 'telephony.call.ended') => ({
    id,
    type,
    tenantId,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
    payload: { callId: id },
  });

  const deliveries = async (tenantId: string) =>
    (
      await request(t.app.getHttpServer())
        .get(`/v1/webhooks/${subs[tenantId]}/deliveries`)
        .set('Authorization', `Bearer ${keys[tenantId]}`)
        .expect(200)
    ).body as { data: { id: string; status: string; attempts: number; eventId: string }[] };

  it('signs, retries a 500, keeps tenants apart, dead-letters after the limit and replays', async () => {
    const fanout = t.app.get(WebhookFanoutConsumer);
    failNext = 1;
    const e1 = `e1_${randomSuffix()}`;
    expect(await fanout.fanOut(fact(tenantA, e1), `cc.${tenantA}.telephony.call.ended`)).toBe(1);
    expect(await fanout.fanOut(fact(tenantA, e1), `cc.${tenantA}.telephony.call.ended`)).toBe(0);
    expect(await fanout.fanOut(fact(tenantA, `other_${randomSuffix()}`, 'telephony.call.started'), 's')).toBe(
      0,
    );
    await waitFor(async () => (await deliveries(tenantA)).data[0]?.status === 'delivered');
    const forA = received.filter((r) => r.body.includes(e1));
    expect(forA).toHaveLength(2);
    const last = forA[1]!;
    expect(
      verifySignature(
        secrets[tenantA]!,
        String(last.headers['cc-webhook-signature']),
        last.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    expect(
      verifySignature(
        secrets[tenantB]!,
        String(last.headers['cc-webhook-signature']),
        last.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
    expect((await deliveries(tenantA)).data[0]).toMatchObject({ eventId: e1, attempts: 2 });
    expect((await deliveries(tenantB)).data).toEqual([]);

    failNext = 3;
    const e2 = `e2_${randomSuffix()}`;
    await fanout.fanOut(fact(tenantB, e2), `cc.${tenantB}.telephony.call.ended`);
    await waitFor(async () => (await deliveries(tenantB)).data[0]?.status === 'dead');
    const dead = (await deliveries(tenantB)).data[0]!;
    expect(dead.attempts).toBe(3);
    expect(
      received.filter((r) => r.body.includes(e2)).every((r) => r.headers['cc-webhook-id'] === dead.id),
    ).toBe(true);
    // A's key cannot see or replay B's delivery.
    await request(t.app.getHttpServer())
      .post(`/v1/webhooks/${subs[tenantB]}/deliveries/${dead.id}/replay`)
      .set('Authorization', `Bearer ${keys[tenantA]}`)
      .expect(404);
    await request(t.app.getHttpServer())
      .post(`/v1/webhooks/${subs[tenantB]}/deliveries/${dead.id}/replay`)
      .set('Authorization', `Bearer ${keys[tenantB]}`)
      .expect(202);
    await waitFor(async () => (await deliveries(tenantB)).data[0]?.status === 'delivered');
    expect(received.filter((r) => r.body.includes(e2))).toHaveLength(4);
    expect(
      received.filter((r) => r.body.includes(e1)).every((r) => r.headers['cc-webhook-id'] !== dead.id),
    ).toBe(true);
  }, 60_000);
  it('seals a plain-text secret left by the old layout, re-seals on key rotation, and keeps signing with it', async () => {
    // What a row written before the secret_sealed migration holds: the secret itself.
    const legacy = `whsec_legacy_${randomSuffix()}`;
    await t.ownerQuery('UPDATE webhook_subscription SET secret_sealed = $1 WHERE id = $2', [
      legacy,
      subs[tenantA],
    ]);
    expect(await t.app.get(WebhookSecrets).reseal()).toBe(1);
    expect(await t.app.get(WebhookSecrets).reseal()).toBe(0);
    const [row] = await t.ownerQuery<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM webhook_subscription WHERE id = $1',
      [subs[tenantA]],
    );
    expect(row?.secret_sealed).toMatch(/^v2\.k1\./);
    expect(row?.secret_sealed).not.toContain(legacy);

    // Rotation: a ring with a new first key re-seals it with that key, and the secret is unchanged.
    const rotated = new WebhookSecrets(
      new SecretCipher([{ id: 'next', key: randomBytes(32) }, ...webhookSecretKeys(t.config)]),
      t.app.get(GatewayDatabase),
    );
    expect(await rotated.reseal()).toBeGreaterThanOrEqual(1);
    expect(await rotated.reseal()).toBe(0);
    const [again] = await t.ownerQuery<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM webhook_subscription WHERE id = $1',
      [subs[tenantA]],
    );
    expect(again?.secret_sealed).toMatch(/^v2\.next\./);
    expect(rotated.open({ id: subs[tenantA]!, secretSealed: again?.secret_sealed ?? '' })).toBe(legacy);
    // A replica still on the old ring cannot open it: roll the ring out before re-sealing (see config).
    expect(() =>
      t.app.get(WebhookSecrets).open({ id: subs[tenantA]!, secretSealed: again?.secret_sealed ?? '' }),
    ).toThrow(/not in the ring/);
    // Back to the ring the app runs with, for the rest of this test.
    const back = new WebhookSecrets(
      new SecretCipher(webhookSecretKeys(t.config)),
      t.app.get(GatewayDatabase),
    );
    await t.ownerQuery('UPDATE webhook_subscription SET secret_sealed = $1 WHERE id = $2', [
      legacy,
      subs[tenantA],
    ]);
    expect(await back.reseal()).toBeGreaterThanOrEqual(1);

    const e3 = `e3_${randomSuffix()}`;
    await t.app.get(WebhookFanoutConsumer).fanOut(fact(tenantA, e3), `cc.${tenantA}.telephony.call.ended`);
    await waitFor(() => Promise.resolve(received.some((r) => r.body.includes(e3))));
    const delivery = received.find((r) => r.body.includes(e3))!;
    expect(
      verifySignature(
        legacy,
        String(delivery.headers['cc-webhook-signature']),
        delivery.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);

    // A sealed secret moved to another subscription's row does not open there: the id is bound in.
    await t.ownerQuery('UPDATE webhook_subscription SET secret_sealed = $1 WHERE id = $2', [
      row?.secret_sealed,
      subs[tenantB],
    ]);
    expect(() =>
      t.app.get(WebhookSecrets).open({ id: subs[tenantB]!, secretSealed: row?.secret_sealed ?? '' }),
    ).toThrow();
    // The dispatcher records that as a failed attempt and never sends the fact unsigned.
    const e4 = `e4_${randomSuffix()}`;
    await t.app.get(WebhookFanoutConsumer).fanOut(fact(tenantB, e4), `cc.${tenantB}.telephony.call.ended`);
    await waitFor(async () =>
      (await deliveries(tenantB)).data.some((d) => d.eventId === e4 && d.status === 'dead'),
    );
    expect(received.some((r) => r.body.includes(e4))).toBe(false);
  }, 30_000);
});
