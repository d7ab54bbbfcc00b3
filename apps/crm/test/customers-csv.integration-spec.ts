import { parse } from 'csv-parse/sync';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type CrmTestApp, startCrmTestApp, uniqueTenants, problemFields } from './crm-test-app';

describe('crm REST: CSV import and export', () => {
  let crm: CrmTestApp;
  let http: App;
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const importCsv = (tenant: string, csv: string, query: Record<string, string> = {}) =>
    request(http)
      .post('/v1/customers/import')
      .query(query)
      .set('x-tenant-id', tenant)
      .set('content-type', 'text/csv')
      .send(csv);
  const count = async (tenant: string) =>
    Number(
      (
        await crm.ownerQuery<{ n: string }>('SELECT count(*) AS n FROM customer WHERE tenant_id = $1', [
          tenant,
        ])
      )[0]!.n,
    );

  beforeAll(async () => {
    crm = await startCrmTestApp();
    http = crm.app.getHttpServer();
    await request(http)
      .put('/v1/settings')
      .set('x-tenant-id', tenantA)
      .send({
        defaultCountry: 'DE',
        currency: 'EUR',
        tierPolicy: { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 },
      })
      .expect(200);
    await request(http)
      .put('/v1/custom-fields/seats')
      .set('x-tenant-id', tenantA)
      .send({ label: 'Seats', type: 'number' })
      .expect(200);
  });
  afterAll(async () => crm.close());

  it('imports nothing when one row is bad, and reports each bad line and column', async () => {
    const csv = [
      'first_name,last_name,phone,email,custom.seats',
      'Jana,Schulz,030 1234567,jana@example.com,3',
      'Paul,Meier,not a number,paul@example.com,2',
      'Ute,Lang,0171 2345678,ute-at-example,x',
    ].join('\n');
    const res = await importCsv(tenantA, csv).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/nothing was imported/);
    expect(problemFields(res.body)).toEqual(['lines.3.phone', 'lines.4.email', 'lines.4.custom.seats']);
    expect(await count(tenantA)).toBe(0);
  });

  it('refuses unknown columns unless mapped, and imports a clean file with a column mapping', async () => {
    const csv = [
      'Vorname,Nachname,Telefon,Kundennummer',
      'Jana,Schulz,030 1234567,K-1',
      'Ute,Lang,+49 171 2345678,K-2',
    ].join('\n');
    const unknown = await importCsv(tenantA, csv).expect(400);
    expect(problemFields(unknown.body)).toEqual([
      'header.Vorname',
      'header.Nachname',
      'header.Telefon',
      'header.Kundennummer',
    ]);
    const res = await importCsv(tenantA, csv, {
      map: 'Vorname:first_name,Nachname:last_name,Telefon:phone,Kundennummer:external_ref',
    }).expect(200);
    expect(res.body).toEqual({ rows: 2, created: 2, merged: 0, skipped: 0 });
    const found = await request(http)
      .get('/v1/customers')
      .query({ phone: '+49301234567' })
      .set('x-tenant-id', tenantA)
      .expect(200);
    expect(found.body.items[0]).toMatchObject({ displayName: 'Jana Schulz', externalRef: 'K-1' });
  });

  it('skips or merges duplicates by phone or external reference, in the file and against existing customers', async () => {
    const csv = [
      'first_name,last_name,phone,external_ref,email,tags',
      'Jana,Schulz,+49 30 1234567,,jana@example.com,vip',
      'Max,Mustermann,089 111111,,max@example.com,',
      'Maximilian,Mustermann,0049 89 111111,,max2@example.com,new',
    ].join('\n');
    const skipped = await importCsv(tenantA, csv).expect(200);
    expect(skipped.body).toEqual({ rows: 3, created: 1, merged: 0, skipped: 2 });
    expect(await count(tenantA)).toBe(3);

    const merged = await importCsv(tenantA, csv, { onDuplicate: 'merge' }).expect(200);
    expect(merged.body).toMatchObject({ rows: 3, created: 0, skipped: 0 });
    const jana = await request(http)
      .get('/v1/customers')
      .query({ phone: '030 1234567' })
      .set('x-tenant-id', tenantA)
      .expect(200);
    expect(jana.body.items[0]).toMatchObject({
      emails: ['jana@example.com'],
      tags: ['vip'],
      externalRef: 'K-1',
    });
    const max = await request(http)
      .get('/v1/customers')
      .query({ phone: '089 111111' })
      .set('x-tenant-id', tenantA)
      .expect(200);
    expect(max.body.items[0]).toMatchObject({
      firstName: 'Maximilian',
      emails: ['max@example.com', 'max2@example.com'],
      tags: ['new'],
    });
    expect(await count(tenantA)).toBe(3);
  });

  it('exports the tenant customers as CSV that imports again, and nothing of other tenants', async () => {
    await request(http)
      .post('/v1/customers')
      .set('x-tenant-id', tenantB)
      .send({ firstName: 'Secret', lastName: 'OfB' })
      .expect(201);
    const res = await request(http).get('/v1/customers/export').set('x-tenant-id', tenantA).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse<Record<string, string>>(res.text, { columns: true });
    expect(rows.map((r) => r.display_name).sort()).toEqual([
      'Jana Schulz',
      'Maximilian Mustermann',
      'Ute Lang',
    ]);
    expect(Object.keys(rows[0]!)).toContain('custom.seats');
    expect(res.text).not.toContain('Secret');

    const other = await request(http).get('/v1/customers/export').set('x-tenant-id', tenantB).expect(200);
    const otherRows = parse<Record<string, string>>(other.text, { columns: true });
    expect(otherRows.map((r) => r.display_name)).toEqual(['Secret OfB']);

    // An export is an import file (crm-owned columns such as id and value are ignored).
    const reimport = await importCsv(tenantB, res.text).expect(200);
    expect(reimport.body).toEqual({ rows: 3, created: 3, merged: 0, skipped: 0 });
    const again = await importCsv(tenantB, res.text).expect(200);
    expect(again.body).toEqual({ rows: 3, created: 0, merged: 0, skipped: 3 });
    expect(await count(tenantB)).toBe(4);
  });

  it('writes nothing when the upload is cut off half way, and keeps serving', async () => {
    const before = await count(tenantA);
    const port = (crm.app.getHttpServer().address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/customers/import',
        headers: { 'content-type': 'text/csv', 'x-tenant-id': tenantA, 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => resolve());
      req.write('first_name,last_name,phone\n');
      for (let i = 0; i < 2_000; i++) req.write(`Cut${i},Off${i},+49 40 ${5_000_000 + i}\n`);
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await count(tenantA)).toBe(before);
    const after = await importCsv(tenantA, 'first_name,phone\nLater,+49 40 6000000\n').expect(200);
    expect(after.body).toMatchObject({ created: 1 });
  });

  it('rejects what is not CSV', async () => {
    const res = await request(http)
      .post('/v1/customers/import')
      .set('x-tenant-id', tenantA)
      .set('content-type', 'application/json')
      .send({ a: 1 })
      .expect(400);
    expect(res.body.errors[0].field).toBe('headers.content-type');
    const ragged = await importCsv(tenantA, 'first_name,last_name\nA,B,C\n').expect(400);
    expect(ragged.body.errors[0]).toMatchObject({ field: 'body', rule: 'csv' });
  });
});
