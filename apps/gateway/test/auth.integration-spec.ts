import { uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import {
  asOperator,
  bearer,
  expectProblem,
  provisionTenant,
  startGatewayTestApp,
  TestClock,
  type GatewayTestApp,
} from './gateway-test-app';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

describe('user logins: argon2 passwords, refresh rotation, reuse detection, expiry', () => {
  const clock = new TestClock();
  let t: GatewayTestApp;
  const tenantId = uniqueTenantId('auth');
  const email = `admin-${tenantId}@example.com`;
  const password = 'correct horse battery staple';
  let userId = '';

  const http = () => t.app.getHttpServer();
  const login = (pw = password) => request(http()).post('/v1/auth/token').send({ email, password: pw });
  const refresh = (refreshToken: string) => request(http()).post('/v1/auth/refresh').send({ refreshToken });

  beforeAll(async () => {
    t = await startGatewayTestApp({ ACCESS_TOKEN_TTL_SECONDS: '60' }, { clock });
    await provisionTenant(t.app, tenantId);
    const user = await request(http())
      .post(`/admin/v1/tenants/${tenantId}/users`)
      .set(asOperator)
      .send({ email, displayName: 'Admin', role: 'tenant_admin', password })
      .expect(201);
    userId = (user.body as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('stores an argon2id hash, never the password, and logs in with it', async () => {
    const [row] = await t.ownerQuery<{ password_hash: string }>(
      'SELECT password_hash FROM app_user WHERE id = $1',
      [userId],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.password_hash).not.toContain(password);

    const res = await login().expect(200);
    const pair = res.body as TokenPair;
    expect(pair.expiresIn).toBe(60);
    const me = await request(http()).get('/v1/me').set(bearer(pair.accessToken)).expect(200);
    expect(me.body).toMatchObject({
      principal: `user:${userId}`,
      tenantId,
      via: 'user',
      role: 'tenant_admin',
    });
  });

  it('refuses a wrong password and an unknown email alike (401 problem+json)', async () => {
    const wrong = expectProblem(await login('not the password'), 401);
    const unknown = expectProblem(
      await request(http())
        .post('/v1/auth/token')
        .send({ email: `nobody-${tenantId}@example.com`, password }),
      401,
    );
    expect(wrong.detail).toBe(unknown.detail);
  });

  it('rotates refresh tokens: each one works once and yields a new pair', async () => {
    const first = (await login().expect(200)).body as TokenPair;
    const second = (await refresh(first.refreshToken).expect(200)).body as TokenPair;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = (await refresh(second.refreshToken).expect(200)).body as TokenPair;
    await request(http()).get('/v1/me').set(bearer(third.accessToken)).expect(200);
  });

  it('ends the whole login family when a spent refresh token is presented again', async () => {
    const first = (await login().expect(200)).body as TokenPair;
    const second = (await refresh(first.refreshToken).expect(200)).body as TokenPair;
    // Another, unrelated login of the same user must survive the theft of this one.
    const otherSession = (await login().expect(200)).body as TokenPair;

    const reuse = expectProblem(await refresh(first.refreshToken), 401);
    expect(reuse.detail).toMatch(/already used/);
    // The legitimate holder's newest token is dead too: the family is revoked.
    expectProblem(await refresh(second.refreshToken), 401);

    const family = await t.ownerQuery<{ revoked: number; total: number }>(
      `SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked, count(*)::int AS total
       FROM refresh_token WHERE family_id = (SELECT family_id FROM refresh_token WHERE id = $1)`,
      [second.refreshToken.slice('ccr_'.length, second.refreshToken.indexOf('.'))],
    );
    expect(family[0]).toEqual({ revoked: 2, total: 2 });
    const audit = await t.ownerQuery<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_record WHERE tenant_id = $1 AND action = 'session.refresh_token_reused'`,
      [tenantId],
    );
    expect(audit).toEqual([{ action: 'session.refresh_token_reused', actor: `user:${userId}` }]);

    await refresh(otherSession.refreshToken).expect(200);
  });

  it('lets only one of two concurrent refreshes with the same token through, and ends that family', async () => {
    const pair = (await login().expect(200)).body as TokenPair;
    const results = await Promise.all([refresh(pair.refreshToken), refresh(pair.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!.body as TokenPair;
    // Two presentations of one token are a replay: the family ends, the winner's new token too.
    expectProblem(await refresh(winner.refreshToken), 401);
  });

  it('refuses a forged or malformed refresh token without touching any family', async () => {
    const pair = (await login().expect(200)).body as TokenPair;
    const forged = `${pair.refreshToken.slice(0, pair.refreshToken.indexOf('.') + 1)}${'A'.repeat(43)}`;
    expectProblem(await refresh(forged), 401);
    expectProblem(await refresh('not-a-token'), 401);
    await refresh(pair.refreshToken).expect(200);
  });

  it('answers an expired access token with 401 problem+json, and refresh still works', async () => {
    const pair = (await login().expect(200)).body as TokenPair;
    clock.advance(61_000);
    const res = await request(http()).get('/v1/me').set(bearer(pair.accessToken));
    const problem = expectProblem(res, 401);
    expect(problem.detail).toMatch(/expired/);
    const renewed = (await refresh(pair.refreshToken).expect(200)).body as TokenPair;
    await request(http()).get('/v1/me').set(bearer(renewed.accessToken)).expect(200);
  });

  it('ends every session when the password changes', async () => {
    const pair = (await login().expect(200)).body as TokenPair;
    await request(http())
      .patch(`/admin/v1/tenants/${tenantId}/users/${userId}`)
      .set(asOperator)
      .send({ password: 'another long password' })
      .expect(200);
    expectProblem(await refresh(pair.refreshToken), 401);
    expectProblem(await login(), 401);
    await login('another long password').expect(200);
  });
});
