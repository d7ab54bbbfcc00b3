import { freePort, uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import { startFrontedServices, type FrontedServices } from './fronted-services';
import {
  bearer,
  expectProblem,
  provisionTenant,
  startGatewayTestApp,
  type GatewayTestApp,
} from './gateway-test-app';

type Json = Record<string, unknown>;

describe('tenant API over crm: customers (CRUD, search, interactions, CSV import/export)', () => {
  const tenantA = uniqueTenantId('gca');
  const tenantB = uniqueTenantId('gcb');
  let services: FrontedServices;
  let t: GatewayTestApp;
  let keyA = '';
  let keyB = '';
  let readOnlyA = '';

  beforeAll(async () => {
    services = await startFrontedServices([tenantA, tenantB]);
    t = await startGatewayTestApp(services.env);
    keyA = (await provisionTenant(t.app, tenantA)).key;
    keyB = (await provisionTenant(t.app, tenantB)).key;
    readOnlyA = (
      await request(t.app.getHttpServer())
        .post(`/v1/api-keys`)
        .set(bearer(keyA))
        .send({ name: 'reader', scopes: ['customers:read'] })
        .expect(201)
    ).body.key as string;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  const http = () => request(t.app.getHttpServer());

  it('creates, reads, changes (If-Match) and deletes a customer, each change audited', async () => {
    const created = await http()
      .post('/v1/customers')
      .set(bearer(keyA))
      .send({
        firstName: 'Jana',
        lastName: 'Schulz',
        phoneNumbers: [{ number: '+49 30 1234567', kind: 'work' }],
        emails: ['jana@example.com'],
      })
      .expect(201);
    const jana = created.body as Json;
    expect(jana).toMatchObject({ displayName: 'Jana Schulz', version: 1 });
    expect(created.headers.etag).toBe('"v1"');
    expect(created.headers.location).toBe(`/v1/customers/${String(jana.id)}`);
    const id = jana.id as string;

    const got = await http().get(`/v1/customers/${id}`).set(bearer(readOnlyA)).expect(200);
    expect(got.body).toEqual(jana);

    const changed = await http()
      .patch(`/v1/customers/${id}`)
      .set(bearer(keyA))
      .set('If-Match', '"v1"')
      .send({ tags: ['vip'], consent: { marketing: true } })
      .expect(200);
    expect(changed.body).toMatchObject({ tags: ['vip'], consent: { marketing: true }, version: 2 });
    expect(changed.headers.etag).toBe('"v2"');
    expectProblem(
      await http().patch(`/v1/customers/${id}`).set(bearer(keyA)).set('If-Match', '"v1"').send({ tags: [] }),
      412,
    );
    expectProblem(await http().patch(`/v1/customers/${id}`).set(bearer(readOnlyA)).send({ tags: [] }), 403);

    const other = await http()
      .post('/v1/customers')
      .set(bearer(keyA))
      .send({ displayName: 'Temp' })
      .expect(201);
    const tempId = (other.body as Json).id as string;
    await http().delete(`/v1/customers/${tempId}`).set(bearer(keyA)).set('If-Match', '"v1"').expect(204);
    expectProblem(await http().get(`/v1/customers/${tempId}`).set(bearer(keyA)), 404);

    const audit = await t.ownerQuery<{ action: string }>(
      `SELECT action FROM audit_record WHERE tenant_id = $1 AND resource_type = 'customer' ORDER BY at, id`,
      [tenantA],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'customer.created',
      'customer.updated',
      'customer.created',
      'customer.deleted',
    ]);
  });

  it('searches by phone in any format, by name and email, with cursor pagination', async () => {
    for (const name of ['Anna', 'Andreas', 'Bernd']) {
      await http()
        .post('/v1/customers')
        .set(bearer(keyA))
        .send({ firstName: name, lastName: 'Page', emails: [`${name.toLowerCase()}@page.example`] })
        .expect(201);
    }
    const byPhone = await http().get('/v1/customers').query({ phone: '+49301234567' }).set(bearer(keyA));
    expect((byPhone.body as { data: Json[] }).data.map((c) => c.displayName)).toEqual(['Jana Schulz']);
    const spaced = await http().get('/v1/customers').query({ phone: '0049 30 123 45 67' }).set(bearer(keyA));
    expect((spaced.body as { data: Json[] }).data).toHaveLength(1);
    const byEmail = await http()
      .get('/v1/customers')
      .query({ email: 'bernd@page.example' })
      .set(bearer(keyA));
    expect((byEmail.body as { data: Json[] }).data.map((c) => c.firstName)).toEqual(['Bernd']);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http()
        .get('/v1/customers')
        .query({ name: 'Page', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(keyA))
        .expect(200);
      const body = page.body as { data: Json[]; nextCursor?: string };
      seen.push(...body.data.map((c) => c.firstName as string));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['Andreas', 'Anna', 'Bernd']);

    const bad = await http().get('/v1/customers').query({ phone: 'not a number' }).set(bearer(keyA));
    expect((expectProblem(bad, 400).errors ?? [])[0]?.field).toBe('query.phone');
    const unknown = await http().get('/v1/customers').query({ sort: 'name' }).set(bearer(keyA));
    expectProblem(unknown, 400);
  });

  it('records notes as interactions (a retried eventId once) and lists them', async () => {
    const jana = (
      (await http().get('/v1/customers').query({ email: 'jana@example.com' }).set(bearer(keyA))).body as {
        data: Json[];
      }
    ).data[0]!;
    const path = `/v1/customers/${String(jana.id)}/interactions`;
    const first = await http()
      .post(path)
      .set(bearer(keyA))
      .send({ eventId: 'note-1', notes: 'Called back about the invoice' })
      .expect(201);
    expect(first.body).toMatchObject({ created: true, customerId: jana.id });
    const again = await http()
      .post(path)
      .set(bearer(keyA))
      .send({ eventId: 'note-1', notes: 'Called back about the invoice' })
      .expect(201);
    expect(again.body).toMatchObject({ created: false });
    const list = await http().get(path).set(bearer(keyA)).expect(200);
    expect((list.body as { data: Json[] }).data).toEqual([
      expect.objectContaining({ channel: 'note', notes: 'Called back about the invoice', eventId: 'note-1' }),
    ]);
  });

  it('imports CSV all-or-nothing, streams the export, and refuses a non-CSV body', async () => {
    const csv = ['first_name,last_name,phone,email', 'Ute,Lang,+49 171 2345678,ute@example.com'].join('\n');
    const imported = await http()
      .post('/v1/customers/import')
      .set(bearer(keyA))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(imported.body).toEqual({ rows: 1, created: 1, merged: 0, skipped: 0 });
    const badCsv = ['first_name,phone', 'Paul,not a number'].join('\n');
    const refused = await http()
      .post('/v1/customers/import')
      .set(bearer(keyA))
      .set('Content-Type', 'text/csv')
      .send(badCsv);
    expect((expectProblem(refused, 400).errors ?? []).map((e) => e.field)).toEqual(['lines.2.phone']);
    const json = await http().post('/v1/customers/import').set(bearer(keyA)).send({ rows: [] });
    expect((expectProblem(json, 400).errors ?? [])[0]?.field).toBe('header.Content-Type');
    const keyed = await http()
      .post('/v1/customers/import')
      .set(bearer(keyA))
      .set('Idempotency-Key', 'k1')
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect((expectProblem(keyed, 400).errors ?? [])[0]?.field).toBe('header.Idempotency-Key');

    const exported = await http().get('/v1/customers/export').set(bearer(keyA)).buffer(true).expect(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const text = exported.text;
    expect(text).toContain('Ute');
    expect(text).toContain('Jana');
    const exportB = await http().get('/v1/customers/export').set(bearer(keyB)).buffer(true).expect(200);
    expect(exportB.text).not.toContain('Jana');
  });

  it('keeps tenants apart: B gets 404 on A’s customer and finds none of A’s', async () => {
    const jana = (
      (await http().get('/v1/customers').query({ email: 'jana@example.com' }).set(bearer(keyA))).body as {
        data: Json[];
      }
    ).data[0]!;
    const id = String(jana.id);
    expectProblem(await http().get(`/v1/customers/${id}`).set(bearer(keyB)), 404);
    expectProblem(
      await http()
        .patch(`/v1/customers/${id}`)
        .set(bearer(keyB))
        .send({ tags: ['x'] }),
      404,
    );
    expectProblem(await http().delete(`/v1/customers/${id}`).set(bearer(keyB)), 404);
    expectProblem(await http().get(`/v1/customers/${id}/interactions`).set(bearer(keyB)), 404);
    const found = await http().get('/v1/customers').query({ phone: '+49301234567' }).set(bearer(keyB));
    expect((found.body as { data: Json[] }).data).toEqual([]);
    expect((await http().get(`/v1/customers/${id}`).set(bearer(keyA)).expect(200)).body).toMatchObject({
      tags: ['vip'],
    });
  });

  it('answers 503 quickly when crm is down', async () => {
    const down = await startGatewayTestApp({ CRM_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const key = (await provisionTenant(down.app, tenantA)).key;
      const res = await request(down.app.getHttpServer()).get('/v1/customers').set(bearer(key));
      expect(expectProblem(res, 503).code).toBe('upstream_unavailable');
    } finally {
      await down.close();
    }
  });
});
