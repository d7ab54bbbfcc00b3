import { uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import {
  bearer,
  expectProblem,
  provisionTenant,
  startGatewayTestApp,
  TestClock,
  type GatewayTestApp,
} from './gateway-test-app';

interface Webhook {
  id: string;
  secret: string;
  url: string;
}

describe('HTTP semantics: Idempotency-Key, If-Match, body limits', () => {
  let t: GatewayTestApp;
  const tenantId = uniqueTenantId('http');
  let key = '';
  let otherKey = '';
  const http = () => t.app.getHttpServer();
  const hook = (n: string) => ({ url: `https://example.com/${n}`, factTypes: ['*'] });
  const count = async (table: string) =>
    (
      await t.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [
        tenantId,
      ])
    )[0]?.n;

  beforeAll(async () => {
    t = await startGatewayTestApp({ BODY_LIMIT: '2kb' });
    ({ key } = await provisionTenant(t.app, tenantId));
    const second = await request(http())
      .post('/v1/api-keys')
      .set(bearer(key))
      .send({ name: 'second', scopes: ['webhooks:write', 'webhooks:read'] })
      .expect(201);
    otherKey = (second.body as { key: string }).key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('Idempotency-Key on POST', () => {
    it('replays the first response (status, body, ETag) for the same key and body, with one effect', async () => {
      const before = { hooks: await count('webhook_subscription'), audit: await count('audit_record') };
      const post = () =>
        request(http())
          .post('/v1/webhooks')
          .set(bearer(key))
          .set('Idempotency-Key', 'create-1')
          .send(hook('a'));
      const first = await post().expect(201);
      // Key order in the body does not make it another request.
      const second = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'create-1')
        .send({ factTypes: ['*'], url: 'https://example.com/a' })
        .expect(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect((first.body as Webhook).secret).toMatch(/^whsec_/);
      expect(await count('webhook_subscription')).toBe((before.hooks ?? 0) + 1);
      expect(await count('audit_record')).toBe((before.audit ?? 0) + 1);
    });

    it('keeps the stored response sealed: the one-time secret is not in the database in clear', async () => {
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'sealed-1')
        .send(hook('sealed'))
        .expect(201);
      const secret = (res.body as Webhook).secret;
      const rows = await t.ownerQuery<{ body: string }>(
        `SELECT body::text AS body FROM idempotency_record WHERE key = 'sealed-1'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.body).not.toContain(secret);
      const sub = await t.ownerQuery<{ secret_sealed: string }>(
        'SELECT secret_sealed FROM webhook_subscription WHERE id = $1',
        [(res.body as Webhook).id],
      );
      expect(sub[0]?.secret_sealed).toMatch(/^v2\.k1\./);
      expect(sub[0]?.secret_sealed).not.toContain(secret);
    });

    it('refuses the same key with another body (422 problem+json), without an effect', async () => {
      await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'k-422')
        .send(hook('b'))
        .expect(201);
      const hooks = await count('webhook_subscription');
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'k-422')
        .send(hook('c'));
      expectProblem(res, 422);
      expect(await count('webhook_subscription')).toBe(hooks);
    });

    it('answers 409 while a request with the same key is still running', async () => {
      // A claim without a status is what a running first request leaves; insert one deterministically.
      const keyId = key.slice('cck_live_'.length, key.indexOf('_', 'cck_live_'.length));
      await t.ownerQuery(
        `INSERT INTO idempotency_record (principal, key, tenant_id, request_hash) VALUES ($1, 'running', $2, 'x')`,
        [`api_key:${keyId}`, tenantId],
      );
      const hooks = await count('webhook_subscription');
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'running')
        .send(hook('running'));
      // The hash differs from 'x', but a running request cannot be compared yet: 422 is for a finished one.
      expect([409, 422]).toContain(res.status);
      expectProblem(res, res.status);
      expect(await count('webhook_subscription')).toBe(hooks);
    });

    it('lets exactly one of two concurrent identical requests run', async () => {
      const hooks = await count('webhook_subscription');
      const send = () =>
        request(http())
          .post('/v1/webhooks')
          .set(bearer(key))
          .set('Idempotency-Key', 'race-1')
          .send(hook('race'));
      const results = await Promise.all([send(), send(), send()]);
      for (const r of results) expect([201, 409]).toContain(r.status);
      const created = results.filter((r) => r.status === 201);
      expect(new Set(created.map((r) => (r.body as Webhook).id)).size).toBe(1);
      expect(await count('webhook_subscription')).toBe((hooks ?? 0) + 1);
      // Once it finished, a retry gets the stored answer.
      const retry = await send().expect(201);
      expect((retry.body as Webhook).id).toBe((created[0]!.body as Webhook).id);
    });

    it('releases the key when the first request fails, and keys are per credential', async () => {
      const bad = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'retry-after-fix')
        .send({ url: 'not a url', factTypes: ['*'] });
      expectProblem(bad, 400);
      const fixed = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'retry-after-fix')
        .send(hook('fixed'))
        .expect(201);
      const other = await request(http())
        .post('/v1/webhooks')
        .set(bearer(otherKey))
        .set('Idempotency-Key', 'retry-after-fix')
        .send(hook('fixed'))
        .expect(201);
      expect((other.body as Webhook).id).not.toBe((fixed.body as Webhook).id);
    });

    it('refuses a malformed key naming the header', async () => {
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Idempotency-Key', 'has space')
        .send(hook('x'));
      expect(expectProblem(res, 400).errors?.[0]?.field).toBe('header.Idempotency-Key');
    });
  });

  describe('ETag / If-Match on updates', () => {
    let id = '';
    beforeAll(async () => {
      id = (
        (await request(http()).post('/v1/webhooks').set(bearer(key)).send(hook('etag')).expect(201))
          .body as Webhook
      ).id;
    });

    it('gives an ETag, refuses a stale If-Match with 412 and moves the ETag on', async () => {
      const got = await request(http()).get(`/v1/webhooks/${id}`).set(bearer(key)).expect(200);
      const etag = got.headers.etag as string;
      expect(etag).toMatch(/^"v\d+"$/);
      const updated = await request(http())
        .patch(`/v1/webhooks/${id}`)
        .set(bearer(key))
        .set('If-Match', etag)
        .send({ description: 'first' })
        .expect(200);
      expect(updated.headers.etag).not.toBe(etag);
      const stale = await request(http())
        .patch(`/v1/webhooks/${id}`)
        .set(bearer(key))
        .set('If-Match', etag)
        .send({ description: 'second' });
      expect(expectProblem(stale, 412).detail).toMatch(/If-Match/);
      const staleDelete = await request(http())
        .delete(`/v1/webhooks/${id}`)
        .set(bearer(key))
        .set('If-Match', etag);
      expectProblem(staleDelete, 412);
      const now = await request(http()).get(`/v1/webhooks/${id}`).set(bearer(key)).expect(200);
      expect((now.body as { description: string }).description).toBe('first');
    });

    it('lets only one of two concurrent updates with the same ETag win (no lost update)', async () => {
      const etag = (await request(http()).get(`/v1/webhooks/${id}`).set(bearer(key)).expect(200)).headers
        .etag as string;
      const patch = (description: string) =>
        request(http())
          .patch(`/v1/webhooks/${id}`)
          .set(bearer(key))
          .set('If-Match', etag)
          .send({ description });
      const results = await Promise.all([patch('x'), patch('y'), patch('z')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412]);
    });

    it('treats If-Match as optional (no precondition) and * as "any current version"', async () => {
      await request(http())
        .patch(`/v1/webhooks/${id}`)
        .set(bearer(key))
        .send({ description: 'blind' })
        .expect(200);
      await request(http())
        .patch(`/v1/webhooks/${id}`)
        .set(bearer(key))
        .set('If-Match', '*')
        .send({ description: 'star' })
        .expect(200);
    });

    it('guards key rotation with If-Match too', async () => {
      const created = await request(http())
        .post('/v1/api-keys')
        .set(bearer(key))
        .send({ name: 'rotating', scopes: [] })
        .expect(201);
      const keyId = (created.body as { id: string }).id;
      const etag = created.headers.etag as string;
      // With a grace period the old key stays live (and rotatable), but its version moved on.
      await request(http())
        .post(`/v1/api-keys/${keyId}/rotate`)
        .set(bearer(key))
        .set('If-Match', etag)
        .send({ gracePeriodSeconds: 3600 })
        .expect(201);
      expectProblem(
        await request(http())
          .post(`/v1/api-keys/${keyId}/rotate`)
          .set(bearer(key))
          .set('If-Match', etag)
          .send({}),
        412,
      );
    });
  });

  describe('request size and malformed JSON', () => {
    it('answers a body over BODY_LIMIT with 413 problem+json', async () => {
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .send({ ...hook('big'), description: 'x'.repeat(4096) });
      const problem = expectProblem(res, 413);
      expect(problem.detail).toMatch(/too large/);
    });

    it('answers malformed JSON with 400 problem+json naming the body', async () => {
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Content-Type', 'application/json')
        .send('{"url": "https://example.com", "factTypes": [');
      const problem = expectProblem(res, 400);
      expect(problem.errors?.[0]?.field).toBe('(body)');
    });

    it('answers a body that is not an object with 400 naming the body', async () => {
      const res = await request(http())
        .post('/v1/webhooks')
        .set(bearer(key))
        .set('Content-Type', 'application/json')
        .send('[1, 2]');
      expect(expectProblem(res, 400).errors?.[0]?.field).toMatch(/^body/);
    });
  });
});

describe('rate limits per credential', () => {
  const clock = new TestClock();
  let t: GatewayTestApp;
  let keyA = '';
  let keyB = '';

  beforeAll(async () => {
    t = await startGatewayTestApp(
      {
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '3',
        AUTH_FAILURES_PER_SECOND: '0.1',
        AUTH_FAILURES_BURST: '3',
      },
      { clock },
    );
    // Provisioning goes through the operator's own bucket; move time on so it starts full.
    keyA = (await provisionTenant(t.app, uniqueTenantId('rla'))).key;
    clock.advance(10_000);
    keyB = (await provisionTenant(t.app, uniqueTenantId('rlb'))).key;
    clock.advance(10_000);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('refuses the request after the burst with 429 + Retry-After, per key, and recovers after the window', async () => {
    const me = (k: string) => request(t.app.getHttpServer()).get('/v1/me').set(bearer(k));
    for (let i = 0; i < 3; i += 1) await me(keyA).expect(200);
    const limited = await me(keyA);
    expectProblem(limited, 429);
    expect(limited.headers['retry-after']).toBe('1');
    // Another key of another tenant has its own bucket.
    await me(keyB).expect(200);
    clock.advance(999);
    expectProblem(await me(keyA), 429);
    clock.advance(1_001);
    await me(keyA).expect(200);
  });

  it('limits the public login route per client address', async () => {
    const login = () =>
      request(t.app.getHttpServer())
        .post('/v1/auth/token')
        .set('X-Forwarded-For', '203.0.113.7')
        .send({ email: 'nobody@example.com', password: 'x' });
    for (let i = 0; i < 3; i += 1) expect((await login()).status).toBe(401);
    const limited = await login();
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const elsewhere = await request(t.app.getHttpServer())
      .post('/v1/auth/token')
      .set('X-Forwarded-For', '203.0.113.8')
      .send({ email: 'nobody@example.com', password: 'x' });
    expect(elsewhere.status).toBe(401);
  });

  it('refuses an address after repeated failed authentications, before checking any credential', async () => {
    const me = (credential: string, address: string) =>
      request(t.app.getHttpServer()).get('/v1/me').set('X-Forwarded-For', address).set(bearer(credential));
    const forged = `${keyA.slice(0, -4)}AAAA`;
    for (let i = 0; i < 3; i += 1) expectProblem(await me(forged, '198.51.100.1'), 401);
    const blocked = await me(keyA, '198.51.100.1');
    expectProblem(blocked, 429);
    expect(blocked.headers['retry-after']).toBe('10');
    // Successful authentications never count, and other addresses are unaffected.
    await me(keyB, '198.51.100.2').expect(200);
    clock.advance(10_000);
    await me(keyA, '198.51.100.1').expect(200);
  });
});
