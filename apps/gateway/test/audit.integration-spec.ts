import { uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import { startFrontedServices, type FrontedServices } from './fronted-services';
import {
  asOperator,
  bearer,
  expectProblem,
  OPERATOR_TOKEN,
  provisionTenant,
  startGatewayTestApp,
  type GatewayTestApp,
} from './gateway-test-app';

interface AuditView {
  id: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}
type Json = Record<string, unknown>;

describe('audit log: every change, in the same transaction, readable only by its tenant', () => {
  let t: GatewayTestApp;
  let services: FrontedServices;
  const tenantA = uniqueTenantId('auda');
  const tenantB = uniqueTenantId('audb');
  let keyA = '';
  let keyAId = '';
  let keyB = '';
  /** `METHOD /path/{param}` of every mutating route exercised below, with the action it must record. */
  const exercised = new Map<string, string>();
  const http = () => t.app.getHttpServer();

  async function auditLog(key: string, limit = 3): Promise<AuditView[]> {
    const all: AuditView[] = [];
    let cursor: string | undefined;
    do {
      const res = await request(http())
        .get('/v1/audit-log')
        .query({ limit, ...(cursor ? { cursor } : {}) })
        .set(bearer(key))
        .expect(200);
      const page = res.body as { data: AuditView[]; nextCursor?: string };
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** Runs one change and checks that exactly one matching record appeared, with who/what/when. */
  async function change(
    route: string,
    action: string,
    run: () => Promise<{ body: unknown }>,
    tenant: { id: string; key: string },
    actor: string,
  ): Promise<{ body: Json; record: AuditView }> {
    const before = await auditLog(tenant.key, 200);
    const startedAt = Date.now();
    const res = await run();
    const after = await auditLog(tenant.key, 200);
    const added = after.filter((r) => !before.some((b) => b.id === r.id));
    expect(added.map((r) => r.action)).toEqual([action]);
    const record = added[0]!;
    expect(record.actor).toBe(actor);
    expect(Date.parse(record.at)).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(Date.parse(record.at)).toBeLessThanOrEqual(Date.now() + 1_000);
    exercised.set(route, action);
    return { body: res.body as Json, record };
  }

  beforeAll(async () => {
    services = await startFrontedServices([tenantA, tenantB]);
    t = await startGatewayTestApp(services.env);
    const a = await provisionTenant(t.app, tenantA);
    keyA = a.key;
    keyAId = a.keyId;
    keyB = (await provisionTenant(t.app, tenantB)).key;
    exercised.set('post /admin/v1/tenants', 'tenant.created');
    exercised.set('post /admin/v1/tenants/{tenantId}/api-keys', 'api_key.created');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  it("records the operator's provisioning in the tenant's log", async () => {
    const log = await auditLog(keyA);
    expect(log.slice(0, 2).map((r) => [r.action, r.actor])).toEqual([
      ['tenant.created', 'operator:tests'],
      ['api_key.created', 'operator:tests'],
    ]);
    expect(log[1]?.after).toMatchObject({ id: keyAId, name: 'test key' });
    // The record of a key never holds the key, only what identifies it.
    expect(JSON.stringify(log)).not.toContain(keyA);
  });

  it('records who, what, when, before and after for each change of users, keys and webhooks', async () => {
    const A = { id: tenantA, key: keyA };
    const actor = `api_key:${keyAId}`;
    const user = await change(
      'post /v1/users',
      'user.created',
      () =>
        request(http())
          .post('/v1/users')
          .set(bearer(keyA))
          .send({
            email: `u-${tenantA}@example.com`,
            displayName: 'U',
            role: 'agent',
            password: 'long enough password',
          })
          .expect(201),
      A,
      actor,
    );
    const userId = user.body.id as string;
    expect(user.record).toMatchObject({ resourceType: 'user', resourceId: userId, before: null });
    expect(JSON.stringify(user.record)).not.toMatch(/password|argon2/i);

    const patched = await change(
      'patch /v1/users/{userId}',
      'user.updated',
      () =>
        request(http())
          .patch(`/v1/users/${userId}`)
          .set(bearer(keyA))
          .send({ role: 'supervisor' })
          .expect(200),
      A,
      actor,
    );
    expect(patched.record.before).toMatchObject({ role: 'agent' });
    expect(patched.record.after).toMatchObject({ role: 'supervisor' });

    const removed = await change(
      'delete /v1/users/{userId}',
      'user.deleted',
      () => request(http()).delete(`/v1/users/${userId}`).set(bearer(keyA)).expect(204),
      A,
      actor,
    );
    expect(removed.record).toMatchObject({ before: { id: userId }, after: null });

    const key = await change(
      'post /v1/api-keys',
      'api_key.created',
      () =>
        request(http())
          .post('/v1/api-keys')
          .set(bearer(keyA))
          .send({ name: 'ci', scopes: ['audit:read'] })
          .expect(201),
      A,
      actor,
    );
    const keyId = key.body.id as string;
    const rotated = await change(
      'post /v1/api-keys/{keyId}/rotate',
      'api_key.rotated',
      () =>
        request(http())
          .post(`/v1/api-keys/${keyId}/rotate`)
          .set(bearer(keyA))
          .send({ gracePeriodSeconds: 60 })
          .expect(201),
      A,
      actor,
    );
    expect(rotated.record.before).toMatchObject({ id: keyId, revokedAt: null });
    expect(rotated.record.after).toMatchObject({ old: { id: keyId }, new: { id: rotated.body.id } });
    expect(JSON.stringify(rotated.record)).not.toContain(rotated.body.key as string);
    const revoked = await change(
      'delete /v1/api-keys/{keyId}',
      'api_key.revoked',
      () => request(http()).delete(`/v1/api-keys/${keyId}`).set(bearer(keyA)).expect(204),
      A,
      actor,
    );
    expect(revoked.record.after).toMatchObject({ revokedAt: expect.any(String) as unknown });

    const hook = await change(
      'post /v1/webhooks',
      'webhook.created',
      () =>
        request(http())
          .post('/v1/webhooks')
          .set(bearer(keyA))
          .send({ url: 'https://example.com/audit', factTypes: ['*'] })
          .expect(201),
      A,
      actor,
    );
    const hookId = hook.body.id as string;
    expect(JSON.stringify(hook.record)).not.toContain(hook.body.secret as string);
    await change(
      'patch /v1/webhooks/{subscriptionId}',
      'webhook.updated',
      () =>
        request(http()).patch(`/v1/webhooks/${hookId}`).set(bearer(keyA)).send({ active: false }).expect(200),
      A,
      actor,
    );
    const deliveryId = `whd_${tenantA}`;
    await t.ownerQuery(
      `INSERT INTO webhook_delivery (id, tenant_id, subscription_id, event_id, event_type, subject, payload, status)
       VALUES ($1, $2, $3, 'e1', 'telephony.call.ended', 's', '{}', 'dead')`,
      [deliveryId, tenantA, hookId],
    );
    const replayed = await change(
      'post /v1/webhooks/{subscriptionId}/deliveries/{deliveryId}/replay',
      'webhook_delivery.replayed',
      () =>
        request(http())
          .post(`/v1/webhooks/${hookId}/deliveries/${deliveryId}/replay`)
          .set(bearer(keyA))
          .expect(202),
      A,
      actor,
    );
    expect(replayed.record).toMatchObject({ before: { status: 'dead' }, after: { status: 'pending' } });
    await change(
      'delete /v1/webhooks/{subscriptionId}',
      'webhook.deleted',
      () => request(http()).delete(`/v1/webhooks/${hookId}`).set(bearer(keyA)).expect(204),
      A,
      actor,
    );
  });

  it("records the operator's changes of a tenant's users, keys and the tenant itself (suspend, delete)", async () => {
    const A = { id: tenantA, key: keyA };
    const actor = 'operator:tests';
    const base = `/admin/v1/tenants/${tenantA}`;
    const user = await change(
      'post /admin/v1/tenants/{tenantId}/users',
      'user.created',
      () =>
        request(http())
          .post(`${base}/users`)
          .set(asOperator)
          .send({
            email: `op-${tenantA}@example.com`,
            displayName: 'O',
            role: 'agent',
            password: 'long enough password',
          })
          .expect(201),
      A,
      actor,
    );
    const userId = user.body.id as string;
    await change(
      'patch /admin/v1/tenants/{tenantId}/users/{userId}',
      'user.updated',
      () =>
        request(http()).patch(`${base}/users/${userId}`).set(asOperator).send({ disabled: true }).expect(200),
      A,
      actor,
    );
    await change(
      'delete /admin/v1/tenants/{tenantId}/users/{userId}',
      'user.deleted',
      () => request(http()).delete(`${base}/users/${userId}`).set(asOperator).expect(204),
      A,
      actor,
    );
    const spare = await request(http())
      .post(`${base}/api-keys`)
      .set(asOperator)
      .send({ name: 'spare', scopes: [] })
      .expect(201);
    const spareId = (spare.body as Json).id as string;
    await change(
      'post /admin/v1/tenants/{tenantId}/api-keys/{keyId}/rotate',
      'api_key.rotated',
      () => request(http()).post(`${base}/api-keys/${spareId}/rotate`).set(asOperator).send({}).expect(201),
      A,
      actor,
    );
    const spare2 = await request(http())
      .post(`${base}/api-keys`)
      .set(asOperator)
      .send({ name: 'spare2', scopes: [] })
      .expect(201);
    await change(
      'delete /admin/v1/tenants/{tenantId}/api-keys/{keyId}',
      'api_key.revoked',
      () =>
        request(http())
          .delete(`${base}/api-keys/${(spare2.body as Json).id as string}`)
          .set(asOperator)
          .expect(204),
      A,
      actor,
    );

    // Suspending refuses the tenant's own credentials, so its log is read with the owner's connection.
    const suspended = await request(http())
      .patch(base)
      .set(asOperator)
      .send({ status: 'suspended' })
      .expect(200);
    expect((suspended.body as Json).status).toBe('suspended');
    expectProblem(await request(http()).get('/v1/audit-log').set(bearer(keyA)), 403);
    const [suspension] = await t.ownerQuery<{ before: Json; after: Json; actor: string }>(
      `SELECT before, after, actor FROM audit_record WHERE tenant_id = $1 AND action = 'tenant.updated' ORDER BY id DESC LIMIT 1`,
      [tenantA],
    );
    expect(suspension).toMatchObject({ actor, before: { status: 'active' }, after: { status: 'suspended' } });
    exercised.set('patch /admin/v1/tenants/{tenantId}', 'tenant.updated');
    await request(http()).patch(base).set(asOperator).send({ status: 'active' }).expect(200);
    const log = await auditLog(keyA, 200);
    expect(log.slice(-2)).toMatchObject([
      { action: 'tenant.updated', actor, before: { status: 'active' }, after: { status: 'suspended' } },
      { action: 'tenant.updated', actor, before: { status: 'suspended' }, after: { status: 'active' } },
    ]);
  });

  it('records each change made through acd, crm and telephony once the service confirmed it', async () => {
    const A = { id: tenantA, key: keyA };
    const actor = `api_key:${keyAId}`;
    const op = 'operator:tests';
    const queue = await change(
      'post /v1/queues',
      'queue.created',
      () => request(http()).post('/v1/queues').set(bearer(keyA)).send({ id: 'aq', name: 'Q' }).expect(201),
      A,
      actor,
    );
    expect(queue.record).toMatchObject({ resourceType: 'queue', resourceId: 'aq', before: null });
    const queueChanged = await change(
      'patch /v1/queues/{queueId}',
      'queue.updated',
      () => request(http()).patch('/v1/queues/aq').set(bearer(keyA)).send({ wrapUpSeconds: 15 }).expect(200),
      A,
      actor,
    );
    expect(queueChanged.record.before).toMatchObject({ wrapUpSeconds: 0, version: 1 });
    expect(queueChanged.record.after).toMatchObject({ wrapUpSeconds: 15, version: 2 });
    await change(
      'post /v1/skills',
      'skill.created',
      () => request(http()).post('/v1/skills').set(bearer(keyA)).send({ id: 'sk', name: 'S' }).expect(201),
      A,
      actor,
    );
    await change(
      'put /admin/v1/tenants/{tenantId}/skills/{skillId}',
      'skill.updated',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/skills/sk`)
          .set(asOperator)
          .send({ name: 'S2' })
          .expect(200),
      A,
      op,
    );

    const customer = await change(
      'post /v1/customers',
      'customer.created',
      () => request(http()).post('/v1/customers').set(bearer(keyA)).send({ displayName: 'C' }).expect(201),
      A,
      actor,
    );
    const customerId = customer.body.id as string;
    await change(
      'patch /v1/customers/{customerId}',
      'customer.updated',
      () =>
        request(http())
          .patch(`/v1/customers/${customerId}`)
          .set(bearer(keyA))
          .send({ tags: ['t'] })
          .expect(200),
      A,
      actor,
    );
    await change(
      'post /v1/customers/{customerId}/interactions',
      'customer.interaction_added',
      () =>
        request(http())
          .post(`/v1/customers/${customerId}/interactions`)
          .set(bearer(keyA))
          .send({ eventId: 'n-1', notes: 'note' })
          .expect(201),
      A,
      actor,
    );
    await change(
      'post /v1/customers/import',
      'customers.imported',
      () =>
        request(http())
          .post('/v1/customers/import')
          .set(bearer(keyA))
          .set('Content-Type', 'text/csv')
          .send('first_name,last_name\nIm,Ported')
          .expect(200),
      A,
      actor,
    );
    const removed = await change(
      'delete /v1/customers/{customerId}',
      'customer.deleted',
      () => request(http()).delete(`/v1/customers/${customerId}`).set(bearer(keyA)).expect(204),
      A,
      actor,
    );
    expect(removed.record.before).toMatchObject({ id: customerId, tags: ['t'] });

    await change(
      'put /admin/v1/tenants/{tenantId}/ivr-flows/{flowId}',
      'ivr_flow.saved',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/ivr-flows/f1`)
          .set(asOperator)
          .send({ name: 'F', definition: { start: 'bye', steps: { bye: { type: 'hangup' } } } })
          .expect(200),
      A,
      op,
    );
    await change(
      'put /admin/v1/tenants/{tenantId}/dids/{did}',
      'did.assigned',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/dids/4930555${tenantA.length}`)
          .set(asOperator)
          .send({ flowId: 'f1' })
          .expect(201),
      A,
      op,
    );
    await change(
      'delete /admin/v1/tenants/{tenantId}/dids/{did}',
      'did.released',
      () =>
        request(http())
          .delete(`/admin/v1/tenants/${tenantA}/dids/4930555${tenantA.length}`)
          .set(asOperator)
          .expect(204),
      A,
      op,
    );
    const settings = await change(
      'put /admin/v1/tenants/{tenantId}/telephony-settings',
      'telephony_settings.updated',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/telephony-settings`)
          .set(asOperator)
          .send({ timeZone: 'Europe/Berlin' })
          .expect(200),
      A,
      op,
    );
    expect(settings.record.after).toMatchObject({ timeZone: 'Europe/Berlin' });

    await change(
      'put /admin/v1/tenants/{tenantId}/routing-settings',
      'routing_settings.updated',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/routing-settings`)
          .set(asOperator)
          .send({ timeZone: 'Europe/Zurich', holidays: ['2026-12-25'] })
          .expect(200),
      A,
      op,
    );

    // The shared agent belongs to the operator: its record is operator-wide, not in a tenant's log.
    const logBefore = await auditLog(keyA, 200);
    await request(http())
      .put('/admin/v1/agents/ag-audit')
      .set(asOperator)
      .send({ displayName: 'Ag', endpoint: 'PJSIP/ag-audit' })
      .expect(200);
    const [agent] = await t.ownerQuery<{ tenant_id: string | null; actor: string; action: string }>(
      `SELECT tenant_id, actor, action FROM audit_record WHERE resource_type = 'agent' AND resource_id = 'ag-audit'`,
    );
    expect(agent).toEqual({ tenant_id: null, actor: op, action: 'agent.created' });
    expect(await auditLog(keyA, 200)).toHaveLength(logBefore.length);
    exercised.set('put /admin/v1/agents/{agentId}', 'agent.created');
    await change(
      'put /admin/v1/tenants/{tenantId}/agents/{agentId}/profile',
      'agent_profile.set',
      () =>
        request(http())
          .put(`/admin/v1/tenants/${tenantA}/agents/ag-audit/profile`)
          .set(asOperator)
          .send({ skills: [{ skillId: 'sk', level: 3 }] })
          .expect(200),
      A,
      op,
    );
    await change(
      'delete /admin/v1/tenants/{tenantId}/agents/{agentId}/profile',
      'agent_profile.removed',
      () =>
        request(http())
          .delete(`/admin/v1/tenants/${tenantA}/agents/ag-audit/profile`)
          .set(asOperator)
          .expect(200),
      A,
      op,
    );
    // A refused change leaves no record.
    const refused = await auditLog(keyA, 200);
    expectProblem(
      await request(http()).patch('/v1/queues/none').set(bearer(keyA)).send({ priority: 1 }),
      404,
    );
    expect(await auditLog(keyA, 200)).toHaveLength(refused.length);
  });

  it('writes the record in the same transaction as the change: no record, no change', async () => {
    const hook = await request(http())
      .post('/v1/webhooks')
      .set(bearer(keyA))
      .send({ url: 'https://example.com/atomic', factTypes: ['*'] })
      .expect(201);
    const id = (hook.body as Json).id as string;
    await t.ownerQuery(
      `ALTER TABLE audit_record ADD CONSTRAINT audit_fails_for_test CHECK (action <> 'webhook.updated') NOT VALID`,
    );
    try {
      const res = await request(http())
        .patch(`/v1/webhooks/${id}`)
        .set(bearer(keyA))
        .send({ description: 'lost' });
      expect(res.status).toBe(500);
    } finally {
      await t.ownerQuery('ALTER TABLE audit_record DROP CONSTRAINT audit_fails_for_test');
    }
    const now = await request(http()).get(`/v1/webhooks/${id}`).set(bearer(keyA)).expect(200);
    expect((now.body as Json).description).toBeNull();
    expect(now.headers.etag).toBe(hook.headers.etag);
  });

  it("never shows a tenant another tenant's records, nor the operator-wide ones", async () => {
    const logA = await auditLog(keyA);
    const logB = await auditLog(keyB);
    expect(logB.length).toBeGreaterThan(0);
    expect(logB.every((r) => !JSON.stringify(r).includes(tenantA))).toBe(true);
    expect(logB.some((r) => logA.some((a) => a.id === r.id))).toBe(false);
    // A hand-made cursor from before every id does not open A's log either.
    const cursor = Buffer.from(JSON.stringify({ a: 'a' }), 'utf8').toString('base64url');
    const fromStart = await request(http())
      .get('/v1/audit-log')
      .query({ cursor, limit: 200 })
      .set(bearer(keyB))
      .expect(200);
    const ids = new Set((fromStart.body as { data: AuditView[] }).data.map((r) => r.id));
    expect(logA.some((r) => ids.has(r.id))).toBe(false);
    const total = await t.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_record WHERE tenant_id = $1',
      [tenantB],
    );
    expect(logB).toHaveLength(total[0]?.n ?? -1);
  });

  it('covers every mutating route of both OpenAPI documents (except the session routes and checks)', async () => {
    const mutating: string[] = [];
    for (const url of ['/v1/openapi.json', '/admin/v1/openapi.json']) {
      const doc = (await request(http()).get(url).expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of Object.keys(methods)) {
          // Checking a flow changes nothing (it is a POST for its body).
          const readOnly = path.startsWith('/v1/auth/') || path === '/v1/ivr-flows/validate';
          if (['post', 'patch', 'put', 'delete'].includes(method) && !readOnly) {
            mutating.push(`${method} ${path}`);
          }
        }
      }
    }
    // Deleting a tenant is checked last: it ends the tenant's credentials.
    const res = await request(http())
      .delete(`/admin/v1/tenants/${tenantA}`)
      .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
      .expect(200);
    expect((res.body as Json).purgeAfter).toEqual(expect.any(String));
    const [deleted] = await t.ownerQuery<{ actor: string; after: Json }>(
      `SELECT actor, after FROM audit_record WHERE tenant_id = $1 AND action = 'tenant.deleted'`,
      [tenantA],
    );
    expect(deleted).toMatchObject({ actor: 'operator:tests', after: { status: 'deleted' } });
    exercised.set('delete /admin/v1/tenants/{tenantId}', 'tenant.deleted');
    expect(mutating.filter((r) => !exercised.has(r)).sort()).toEqual([]);
  });
});
