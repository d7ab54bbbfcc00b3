import request from 'supertest';
import type { App } from 'supertest/types';
import {
  type CrmTestApp,
  startCrmTestApp,
  uniqueTenants,
  problemFields,
  displayNames,
  itemsOf,
} from './crm-test-app';

describe('crm REST: customers', () => {
  let crm: CrmTestApp;
  let http: App;
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const as = (tenant: string) => ({
    get: (url: string) => request(http).get(url).set('x-tenant-id', tenant),
    post: (url: string) => request(http).post(url).set('x-tenant-id', tenant),
    patch: (url: string) => request(http).patch(url).set('x-tenant-id', tenant),
    put: (url: string) => request(http).put(url).set('x-tenant-id', tenant),
    delete: (url: string) => request(http).delete(url).set('x-tenant-id', tenant),
  });
  const A = () => as(tenantA);
  const B = () => as(tenantB);

  beforeAll(async () => {
    crm = await startCrmTestApp();
    http = crm.app.getHttpServer();
    await A()
      .put('/v1/settings')
      .send({
        defaultCountry: 'CH',
        currency: 'CHF',
        tierPolicy: { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 },
      })
      .expect(200);
    await A()
      .put('/v1/custom-fields/plan')
      .send({ label: 'Plan', type: 'enum', options: ['basic', 'pro'] })
      .expect(200);
  });
  afterAll(async () => crm.close());

  async function createAnna() {
    const res = await A()
      .post('/v1/customers')
      .send({
        firstName: 'Anna',
        lastName: 'Müller',
        emails: ['Anna.Mueller@Example.com'],
        phoneNumbers: [{ number: '044 668 18 00', kind: 'work' }],
        customFields: { plan: 'pro' },
        consent: { recording: true, marketing: false },
        language: 'de-CH',
        timeZone: 'Europe/Zurich',
      })
      .expect(201);
    return res;
  }

  it('refuses a request without a tenant (401) or with a malformed one (400 naming the header)', async () => {
    const missing = await request(http).get('/v1/customers').expect(401);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const bad = await request(http).get('/v1/customers').set('x-tenant-id', 'Bad.Tenant').expect(400);
    expect(bad.body.errors[0].field).toBe('headers.x-tenant-id');
  });

  it('creates a customer with its number normalized with the tenant country, and reads it back with an ETag', async () => {
    const created = await createAnna();
    expect(created.headers.etag).toBe('W/"1"');
    expect(created.body).toMatchObject({
      displayName: 'Anna Müller',
      emails: ['anna.mueller@example.com'],
      phoneNumbers: [{ e164: '+41446681800', raw: '044 668 18 00', kind: 'work' }],
      customFields: { plan: 'pro' },
      version: 1,
    });
    const read = await A().get(`/v1/customers/${created.body.id}`).expect(200);
    expect(read.body.id).toBe(created.body.id);
    expect(read.headers.etag).toBe('W/"1"');
  });

  it('names the field of bad input: phone, custom field, email, unknown field', async () => {
    const res = await A()
      .post('/v1/customers')
      .send({
        firstName: 'X',
        phoneNumbers: [{ number: '+41 44 668 18 01' }, { number: 'call me maybe' }],
        customFields: { plan: 'gold' },
      })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(problemFields(res.body)).toEqual(['body.phoneNumbers.1.number', 'body.customFields.plan']);
    const email = await A()
      .post('/v1/customers')
      .send({ firstName: 'X', emails: ['not-an-email'] })
      .expect(400);
    expect(email.body.errors[0].field).toBe('body.emails.0');
    const unknown = await A().post('/v1/customers').send({ firstName: 'X', shoeSize: 44 }).expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'body', rule: 'unrecognized_keys' });
  });

  it('refuses a phone number another customer of the tenant holds (409), but not one of another tenant', async () => {
    await A()
      .post('/v1/customers')
      .send({ firstName: 'Dup', phoneNumbers: [{ number: '+41 44 668 18 00' }] })
      .expect(409);
    await B()
      .post('/v1/customers')
      .send({ firstName: 'Other', phoneNumbers: [{ number: '+41 44 668 18 00' }] })
      .expect(201);
  });

  it('gives a number to exactly one of several concurrent creates; the others get 409, never 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        A()
          .post('/v1/customers')
          .send({ firstName: `Racer${i}`, phoneNumbers: [{ number: '+41 44 777 77 77' }] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('updates with If-Match: a stale version is 412 and changes nothing', async () => {
    const { body: created } = await A().post('/v1/customers').send({ firstName: 'Versioned' }).expect(201);
    const ok = await A()
      .patch(`/v1/customers/${created.id}`)
      .set('If-Match', 'W/"1"')
      .send({ lastName: 'Person', phoneNumbers: [{ number: '+41 79 123 45 67', kind: 'mobile' }] })
      .expect(200);
    expect(ok.headers.etag).toBe('W/"2"');
    expect(ok.body).toMatchObject({
      displayName: 'Versioned Person',
      phoneNumbers: [{ e164: '+41791234567' }],
    });
    const stale = await A()
      .patch(`/v1/customers/${created.id}`)
      .set('If-Match', 'W/"1"')
      .send({ lastName: 'Lost' })
      .expect(412);
    expect(stale.body.errors[0].field).toBe('headers.if-match');
    const read = await A().get(`/v1/customers/${created.id}`).expect(200);
    expect(read.body.lastName).toBe('Person');
    const badCustom = await A()
      .patch(`/v1/customers/${created.id}`)
      .send({ customFields: { colour: 'red' } })
      .expect(400);
    expect(badCustom.body.errors[0].field).toBe('body.customFields.colour');
  });

  it('searches by name prefix, by phone in any form and by email, with cursor pagination', async () => {
    for (const [first, last, phone] of [
      ['Bruno', 'Keller', '+41 31 300 00 01'],
      ['Bea', 'Keller', '+41 31 300 00 02'],
      ['Carl', 'Kellerman', '+41 31 300 00 03'],
    ] as const) {
      await A()
        .post('/v1/customers')
        .send({ firstName: first, lastName: last, phoneNumbers: [{ number: phone }] })
        .expect(201);
    }
    const page1 = await A().get('/v1/customers').query({ name: 'keller', limit: 2 }).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await A()
      .get('/v1/customers')
      .query({ name: 'keller', limit: 2, cursor: page1.body.nextCursor })
      .expect(200);
    expect(page2.body.nextCursor).toBeNull();
    const names = [...page1.body.items, ...page2.body.items]
      .map((c: { displayName: string }) => c.displayName)
      .sort();
    expect(names).toEqual(['Bea Keller', 'Bruno Keller', 'Carl Kellerman']);
    const byFirst = await A().get('/v1/customers').query({ name: 'BRUNO k' }).expect(200);
    expect(displayNames(byFirst.body)).toEqual(['Bruno Keller']);

    for (const form of ['031 300 00 02', '+41313000002', '0041 31 300 00 02', '+41 (0)31 300 00 02']) {
      const res = await A().get('/v1/customers').query({ phone: form }).expect(200);
      expect(displayNames(res.body)).toEqual(['Bea Keller']);
    }
    const byEmail = await A().get('/v1/customers').query({ email: 'ANNA.MUELLER@example.com' }).expect(200);
    expect(displayNames(byEmail.body)).toEqual(['Anna Müller']);
    const badPhone = await A().get('/v1/customers').query({ phone: 'nobody' }).expect(400);
    expect(badPhone.body.errors[0].field).toBe('query.phone');
    const badCursor = await A().get('/v1/customers').query({ cursor: 'xyz' }).expect(400);
    expect(badCursor.body.errors[0].field).toBe('query.cursor');
  });

  it('keeps tenant B away from tenant A customers on every customer route', async () => {
    const { body: anna } = await A()
      .get('/v1/customers')
      .query({ email: 'anna.mueller@example.com' })
      .expect(200);
    const id = anna.items[0].id as string;
    await B().get(`/v1/customers/${id}`).expect(404);
    await B().patch(`/v1/customers/${id}`).send({ firstName: 'Hacked' }).expect(404);
    await B().delete(`/v1/customers/${id}`).expect(404);
    await B().get(`/v1/customers/${id}/interactions`).expect(404);
    await B().post(`/v1/customers/${id}/interactions`).send({ eventId: 'n-1', notes: 'planted' }).expect(404);
    await B().get(`/v1/customers/${id}/leads`).expect(404);
    await B().post(`/v1/customers/${id}/leads`).send({ source: 'web', product: 'x' }).expect(404);
    await B().post(`/v1/customers/${id}/revenue`).send({ amountMinor: 100, currency: 'EUR' }).expect(404);
    const search = await B().get('/v1/customers').query({ email: 'anna.mueller@example.com' }).expect(200);
    expect(search.body.items).toEqual([]);
    const byPhone = await B().get('/v1/customers').query({ phone: '+41 31 300 00 01' }).expect(200);
    expect(byPhone.body.items).toEqual([]);
    const all = await B().get('/v1/customers').expect(200);
    expect(displayNames(all.body)).toEqual(['Other']);
    const still = await A().get(`/v1/customers/${id}`).expect(200);
    expect(still.body.firstName).toBe('Anna');
  });

  it('records notes idempotently, and keeps leads in the pipeline', async () => {
    const { body: anna } = await A()
      .get('/v1/customers')
      .query({ email: 'anna.mueller@example.com' })
      .expect(200);
    const id = anna.items[0].id as string;
    const first = await A()
      .post(`/v1/customers/${id}/interactions`)
      .send({ eventId: 'note-1', notes: 'Asked for a quote\nmore' })
      .expect(201);
    const again = await A()
      .post(`/v1/customers/${id}/interactions`)
      .send({ eventId: 'note-1', notes: 'Asked for a quote\nmore' })
      .expect(201);
    expect(first.body.created).toBe(true);
    expect(again.body).toMatchObject({ created: false, interactionId: first.body.interactionId });
    const list = await A().get(`/v1/customers/${id}/interactions`).expect(200);
    expect(list.body.items).toHaveLength(1);

    const lead = await A()
      .post(`/v1/customers/${id}/leads`)
      .send({ source: 'web', product: 'Solar', score: 70 })
      .expect(201);
    expect(lead.body).toMatchObject({ status: 'new', score: 70 });
    const badScore = await A()
      .post(`/v1/customers/${id}/leads`)
      .send({ source: 'web', product: 'x', score: 101 })
      .expect(400);
    expect(badScore.body.errors[0].field).toBe('body.score');
    await request(http)
      .patch(`/v1/leads/${lead.body.id}`)
      .set('x-tenant-id', tenantB)
      .send({ status: 'won' })
      .expect(404);
    const won = await request(http)
      .patch(`/v1/leads/${lead.body.id}`)
      .set('x-tenant-id', tenantA)
      .send({ status: 'qualified' })
      .expect(200);
    expect(won.body.status).toBe('qualified');
    const back = await request(http)
      .patch(`/v1/leads/${lead.body.id}`)
      .set('x-tenant-id', tenantA)
      .send({ status: 'new' })
      .expect(400);
    expect(back.body.errors[0]).toMatchObject({ field: 'body.status', rule: 'pipeline' });
  });

  it('ranks customers into value tiers as revenue arrives and publishes the tier changes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await A()
        .post('/v1/customers')
        .send({ firstName: `Value${i}` })
        .expect(201);
      ids.push(body.id as string);
    }
    const refused = await A()
      .post(`/v1/customers/${ids[0]}/revenue`)
      .send({ amountMinor: 100, currency: 'EUR' })
      .expect(400);
    expect(refused.body.errors[0].field).toBe('body.currency');
    const sale = await A()
      .post(`/v1/customers/${ids[0]}/revenue`)
      .send({ amountMinor: 1_000_000, currency: 'CHF', externalRef: 'order-1' })
      .expect(201);
    expect(sale.body).toMatchObject({ created: true, lifetimeValueMinor: '1000000' });
    const repeat = await A()
      .post(`/v1/customers/${ids[0]}/revenue`)
      .send({ amountMinor: 1_000_000, currency: 'CHF', externalRef: 'order-1' })
      .expect(201);
    expect(repeat.body).toMatchObject({ created: false, lifetimeValueMinor: '1000000' });
    const top = await A().get(`/v1/customers/${ids[0]}`).expect(200);
    expect(top.body.valueTier).toBe('top');
    const low = await A().get(`/v1/customers/${ids[4]}`).expect(200);
    expect(low.body.valueTier).toBe('low');
    const outbox = await crm.ownerQuery<{ subject: string; envelope: { payload: Record<string, unknown> } }>(
      `SELECT subject, envelope FROM outbox_event WHERE tenant_id = $1 AND envelope->'payload'->>'customerId' = $2`,
      [tenantA, ids[0]],
    );
    expect(outbox.map((o) => [o.subject, o.envelope.payload.to, o.envelope.payload.currency])).toEqual([
      [`cc.${tenantA}.crm.customer.tier_changed`, 'top', 'CHF'],
    ]);
  });

  it('keeps settings, custom fields and tier recomputation per tenant', async () => {
    const settingsB = await B().get('/v1/settings').expect(200);
    expect(settingsB.body).toMatchObject({ defaultCountry: null, currency: 'EUR' });
    const fieldsB = await B().get('/v1/custom-fields').expect(200);
    expect(fieldsB.body.items).toEqual([]);
    await B().delete('/v1/custom-fields/plan').expect(404);
    const fieldsA = await A().get('/v1/custom-fields').expect(200);
    expect(itemsOf<{ key: string }>(fieldsA.body).map((f) => f.key)).toEqual(['plan']);
    const before = await crm.ownerQuery<{ n: string }>(
      `SELECT count(*) AS n FROM customer WHERE tenant_id = $1 AND value_tier = 4`,
      [tenantA],
    );
    const recomputedB = await B().post('/v1/value-tiers/recompute').expect(200);
    expect(recomputedB.body).toEqual({ changed: 1 });
    const after = await crm.ownerQuery<{ n: string }>(
      `SELECT count(*) AS n FROM customer WHERE tenant_id = $1 AND value_tier = 4`,
      [tenantA],
    );
    expect(after).toEqual(before);
    const badSettings = await B()
      .put('/v1/settings')
      .send({
        defaultCountry: 'Germany',
        currency: 'EUR',
        tierPolicy: { topShare: 0.5, highShare: 0.5, mediumShare: 0.5 },
      })
      .expect(400);
    expect(problemFields(badSettings.body)).toEqual(['body.defaultCountry', 'body.tierPolicy']);
  });

  it('deletes a customer with its numbers, so the number is free again', async () => {
    const { body } = await A()
      .post('/v1/customers')
      .send({ firstName: 'Temp', phoneNumbers: [{ number: '+41 44 000 00 99' }] })
      .expect(201);
    await A().delete(`/v1/customers/${body.id}`).expect(204);
    await A().get(`/v1/customers/${body.id}`).expect(404);
    await A()
      .post('/v1/customers')
      .send({ firstName: 'Next', phoneNumbers: [{ number: '+41 44 000 00 99' }] })
      .expect(201);
  });
});
