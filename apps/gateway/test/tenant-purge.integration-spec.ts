import { uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import { TenantPurgeJob } from '../src/modules/tenants/tenant-purge.job';
import {
  asOperator,
  bearer,
  provisionTenant,
  startGatewayTestApp,
  TestClock,
  type GatewayTestApp,
} from './gateway-test-app';

const DAY_MS = 86_400_000;

describe('tenant purge: a deleted tenant’s gateway data goes once its retention has run out', () => {
  const clock = new TestClock();
  const gone = uniqueTenantId('purged');
  const kept = uniqueTenantId('kept');
  let t: GatewayTestApp;

  const counts = async (tenantId: string): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of ['app_user', 'api_key', 'webhook_subscription', 'audit_record', 'refresh_token']) {
      const [row] = await t.ownerQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`,
        [tenantId],
      );
      out[table] = row?.n ?? -1;
    }
    return out;
  };

  beforeAll(async () => {
    t = await startGatewayTestApp({ TENANT_RETENTION_DAYS: '30', TENANT_PURGE_INTERVAL_MS: '0' }, { clock });
    for (const tenantId of [gone, kept]) {
      const { key } = await provisionTenant(t.app, tenantId);
      await request(t.app.getHttpServer())
        .post('/v1/users')
        .set(bearer(key))
        .send({
          email: `u-${tenantId}@example.com`,
          displayName: 'U',
          role: 'agent',
          password: 'long enough password',
        })
        .expect(201);
      await request(t.app.getHttpServer())
        .post('/v1/webhooks')
        .set(bearer(key))
        .send({ url: 'https://example.com/hook', factTypes: ['*'] })
        .expect(201);
    }
    await request(t.app.getHttpServer()).delete(`/admin/v1/tenants/${gone}`).set(asOperator).expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('keeps everything until purgeAfter, then deletes the tenant’s rows only, and records it', async () => {
    const job = t.app.get(TenantPurgeJob);
    const before = await counts(gone);
    expect(before.app_user).toBe(1);
    clock.advance(29 * DAY_MS);
    expect(await job.purgeDue()).toEqual([]);
    expect(await counts(gone)).toEqual(before);

    clock.advance(2 * DAY_MS);
    const keptBefore = await counts(kept);
    expect(await job.purgeDue()).toEqual([gone]);
    expect(await counts(gone)).toEqual({
      app_user: 0,
      api_key: 0,
      webhook_subscription: 0,
      audit_record: 0,
      refresh_token: 0,
    });
    expect(await counts(kept)).toEqual(keptBefore);
    const [tenant] = await t.ownerQuery<{ status: string; purge_after: Date | null }>(
      'SELECT status, purge_after FROM tenant WHERE id = $1',
      [gone],
    );
    expect(tenant).toEqual({ status: 'deleted', purge_after: null });
    const [record] = await t.ownerQuery<{
      tenant_id: string | null;
      actor: string;
      after: { removed: Record<string, number> };
    }>(
      `SELECT tenant_id, actor, after FROM audit_record WHERE action = 'tenant.purged' AND resource_id = $1`,
      [gone],
    );
    expect(record).toMatchObject({
      tenant_id: null,
      actor: 'system:tenant-purge',
      after: { removed: { app_user: 1, api_key: 1 } },
    });
    // Once purged, nothing is due any more; the id stays taken.
    expect(await job.purgeDue()).toEqual([]);
    const again = await request(t.app.getHttpServer())
      .post('/admin/v1/tenants')
      .set(asOperator)
      .send({ id: gone, name: 'again' });
    expect(again.status).toBe(409);
  });
});
