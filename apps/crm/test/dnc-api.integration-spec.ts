import request from 'supertest';
import type { App } from 'supertest/types';
import { DncService } from '../src/modules/dnc/dnc.service';
import { type CrmTestApp, startCrmTestApp, uniqueTenants, itemsOf } from './crm-test-app';
import { FixedClock } from '../src/infrastructure/clock';

describe('crm REST: do-not-call', () => {
  let crm: CrmTestApp;
  let http: App;
  const clock = new FixedClock(new Date('2026-11-23T12:00:00Z'));
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const A = (method: 'get' | 'post' | 'delete', url: string) =>
    request(http)[method](url).set('x-tenant-id', tenantA);
  const B = (method: 'get' | 'post' | 'delete', url: string) =>
    request(http)[method](url).set('x-tenant-id', tenantB);

  beforeAll(async () => {
    crm = await startCrmTestApp({ clock });
    http = crm.app.getHttpServer();
    await request(http)
      .put('/v1/settings')
      .set('x-tenant-id', tenantA)
      .send({
        defaultCountry: 'GB',
        currency: 'GBP',
        tierPolicy: { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 },
      })
      .expect(200);
  });
  afterAll(async () => crm.close());

  it('adds, reads, lists and removes numbers in any form', async () => {
    const added = await A('post', '/v1/dnc')
      .send({ phoneNumber: '020 7946 0958', reason: 'asked not to be called', source: 'agent' })
      .expect(201);
    expect(added.body).toMatchObject({ e164: '+442079460958', scope: 'tenant', expiresAt: null });
    await A('get', `/v1/dnc/${encodeURIComponent('+44 20 7946 0958')}`).expect(200);
    const list = await A('get', '/v1/dnc').expect(200);
    expect(itemsOf<{ e164: string }>(list.body).map((e) => e.e164)).toEqual(['+442079460958']);
    const bad = await A('post', '/v1/dnc').send({ phoneNumber: 'unknown', reason: 'x' }).expect(400);
    expect(bad.body.errors[0].field).toBe('body.phoneNumber');
    const noReason = await A('post', '/v1/dnc').send({ phoneNumber: '020 7946 0958' }).expect(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
  });

  it('checks a batch in order against the tenant list, the operator list and expiry', async () => {
    await A('post', '/v1/dnc')
      .send({ phoneNumber: '+44 20 7946 0001', reason: 'complaint', expiresAt: '2026-11-24T00:00:00Z' })
      .expect(201);
    await crm.app
      .get(DncService)
      .addOperatorEntry({ phoneNumber: '+44 20 7946 0002', reason: 'TPS register', source: 'regulator' });
    const check = () =>
      A('post', '/v1/dnc/check')
        .send({
          phoneNumbers: ['020 7946 0958', '+44 20 7946 0001', '020 7946 0002', '020 7946 0003', 'garbage'],
        })
        .expect(200);
    const res = await check();
    expect(
      (res.body as { results: { blocked: boolean; scope: string | null }[] }).results.map((r) => [
        r.blocked,
        r.scope,
      ]),
    ).toEqual([
      [true, 'tenant'],
      [true, 'tenant'],
      [true, 'operator'],
      [false, null],
      [true, null],
    ]);
    expect(res.body.results[4]).toMatchObject({ invalidNumber: true, phoneNumber: 'garbage', e164: null });
    clock.set(new Date('2026-11-24T00:00:01Z'));
    const later = await check();
    expect(later.body.results[1].blocked).toBe(false);
    const tooMany = await A('post', '/v1/dnc/check').send({ phoneNumbers: [] }).expect(400);
    expect(tooMany.body.errors[0].field).toBe('body.phoneNumbers');
  });

  it('keeps each tenant list to itself, while the operator list applies to all', async () => {
    await B('get', `/v1/dnc/${encodeURIComponent('+442079460958')}`).expect(404);
    await B('delete', `/v1/dnc/${encodeURIComponent('+442079460958')}`).expect(404);
    const list = await B('get', '/v1/dnc').expect(200);
    expect(list.body.items).toEqual([]);
    const res = await B('post', '/v1/dnc/check')
      .send({ phoneNumbers: ['+442079460958', '+442079460002'] })
      .expect(200);
    expect(
      (res.body as { results: { blocked: boolean; scope: string | null }[] }).results.map((r) => [
        r.blocked,
        r.scope,
      ]),
    ).toEqual([
      [false, null],
      [true, 'operator'],
    ]);
    await A('delete', `/v1/dnc/${encodeURIComponent('020 7946 0958')}`).expect(204);
    await A('get', `/v1/dnc/${encodeURIComponent('+442079460958')}`).expect(404);
  });
});
