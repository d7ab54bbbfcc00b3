import { parse } from 'csv-parse/sync';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type CrmTestApp, startCrmTestApp, uniqueTenants } from './crm-test-app';

interface JobBody {
  id: string;
  status: string;
  phase: string | null;
  rowsRead: number;
  rowsWritten: number;
  errorCount: number;
  report: { rows: number; created: number; merged: number; skipped: number } | null;
}

describe('crm REST: CSV imports as resources (progress, error report, cancellation)', () => {
  let crm: CrmTestApp;
  let http: App;
  let port: number;
  const [tenantA, tenantB] = uniqueTenants(2, 'timp') as [string, string];
  const count = async (tenant: string) =>
    Number(
      (
        await crm.ownerQuery<{ n: string }>('SELECT count(*) AS n FROM customer WHERE tenant_id = $1', [
          tenant,
        ])
      )[0]!.n,
    );
  const createImport = async (tenant: string, body: object = {}) =>
    (await request(http).post('/v1/imports').set('x-tenant-id', tenant).send(body).expect(201))
      .body as JobBody;
  const getImport = async (tenant: string, id: string) =>
    (await request(http).get(`/v1/imports/${id}`).set('x-tenant-id', tenant).expect(200)).body as JobBody;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    http = crm.app.getHttpServer();
    port = (crm.app.getHttpServer().address() as AddressInfo).port;
    for (const tenant of [tenantA, tenantB]) {
      await request(http)
        .put('/v1/settings')
        .set('x-tenant-id', tenant)
        .send({
          defaultCountry: 'DE',
          currency: 'EUR',
          tierPolicy: { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 },
        })
        .expect(200);
    }
  });
  afterAll(async () => crm.close());

  it('imports a clean file and keeps its outcome readable; other tenants do not see it', async () => {
    const job = await createImport(tenantA, { onDuplicate: 'skip', mapping: { Telefon: 'phone' } });
    expect(job).toMatchObject({ status: 'awaiting_upload', rowsRead: 0 });
    const csv = ['first_name,last_name,Telefon', 'Jana,Schulz,030 1234567', 'Ute,Lang,+49 171 2345678'].join(
      '\n',
    );
    const done = await request(http)
      .put(`/v1/imports/${job.id}/csv`)
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      rowsRead: 2,
      rowsWritten: 2,
      report: { rows: 2, created: 2, merged: 0, skipped: 0 },
    });
    expect(await getImport(tenantA, job.id)).toMatchObject({ status: 'succeeded', phase: 'done' });
    await request(http).get(`/v1/imports/${job.id}`).set('x-tenant-id', tenantB).expect(404);
    // An import runs once.
    await request(http)
      .put(`/v1/imports/${job.id}/csv`)
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(409);
    // Its events end at once with the outcome.
    const events = await request(http)
      .get(`/v1/imports/${job.id}/events`)
      .set('x-tenant-id', tenantA)
      .expect(200);
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.text).toMatch(/event: finished/);
  });

  it('lists every bad row in a downloadable error report (row, column, reason) and imports nothing', async () => {
    const before = await count(tenantA);
    const csv = [
      'first_name,last_name,phone,email',
      'Paul,Meier,not a number,paul@example.com',
      'Eva,Roth,040 7654321,eva@example.com',
      'Ute,Lang,0171 2345678,ute-at-example',
    ].join('\n');
    const res = await request(http)
      .post('/v1/customers/import')
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(400);
    const location = res.headers['content-location'] as string;
    expect(location).toMatch(/^\/v1\/imports\/imp_/);
    expect(await count(tenantA)).toBe(before);
    const job = (await request(http).get(location).set('x-tenant-id', tenantA).expect(200)).body as JobBody;
    expect(job).toMatchObject({ status: 'failed', errorCount: 2, rowsWritten: 0 });
    const report = await request(http).get(`${location}/errors.csv`).set('x-tenant-id', tenantA).expect(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    const lines: string[][] = parse(report.text);
    expect(lines[0]).toEqual(['row', 'column', 'reason']);
    expect(lines.slice(1).map(([row, column]) => [row, column])).toEqual([
      ['2', 'phone'],
      ['4', 'email'],
    ]);
    expect(lines[1]![2]).toMatch(/phone/);
    await request(http).get(`${location}/errors.csv`).set('x-tenant-id', tenantB).expect(404);
  });

  it('writes nothing when the import fails after its rows were staged (a row matching two customers)', async () => {
    await request(http)
      .post('/v1/customers')
      .set('x-tenant-id', tenantA)
      .send({ firstName: 'Own', lastName: 'Phone', phoneNumbers: [{ number: '089 5550001' }] })
      .expect(201);
    await request(http)
      .post('/v1/customers')
      .set('x-tenant-id', tenantA)
      .send({ firstName: 'Own', lastName: 'Ref', externalRef: 'REF-77' })
      .expect(201);
    const before = await count(tenantA);
    const rows = ['first_name,last_name,phone,external_ref'];
    for (let i = 0; i < 500; i++) rows.push(`Fresh${i},Row${i},+49 40 ${7_000_000 + i},`);
    rows.push('Both,Owners,089 5550001,REF-77');
    const res = await request(http)
      .post('/v1/customers/import')
      .query({ onDuplicate: 'merge' })
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send(rows.join('\n'))
      .expect(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'lines.502.phone', rule: 'ambiguous_duplicate' });
    expect(await count(tenantA)).toBe(before);
  });

  it('cancels a running import: progress was reported, the upload ends with a problem, nothing is written', async () => {
    const before = await count(tenantB);
    const job = await createImport(tenantB);

    // Follow the progress over SSE while the upload streams.
    const events: string[] = [];
    const sse = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: `/v1/imports/${job.id}/events`,
          headers: { 'x-tenant-id': tenantB },
        },
        resolve,
      )
        .on('error', reject)
        .end();
    });
    sse.setEncoding('utf8');
    sse.on('data', (chunk: string) => events.push(chunk));
    const sseEnded = new Promise((resolve) => sse.on('end', resolve));

    const upload = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: `/v1/imports/${job.id}/csv`,
      headers: { 'content-type': 'text/csv', 'x-tenant-id': tenantB, 'transfer-encoding': 'chunked' },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      upload.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      upload.on('error', reject);
    });
    upload.write('first_name,last_name,phone\n');
    let sent = 0;
    const writeRows = (n: number) => {
      const lines: string[] = [];
      for (let i = 0; i < n; i++, sent++) lines.push(`Cancel${sent},Me${sent},+49 40 ${8_000_000 + sent}\n`);
      upload.write(lines.join(''));
    };
    writeRows(3_000);
    // Wait until the service has read rows (the job reports them), then cancel with the upload still open.
    for (let i = 0; i < 100; i++) {
      if ((await getImport(tenantB, job.id)).rowsRead >= 1_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await getImport(tenantB, job.id)).status).toBe('running');
    await request(http).post(`/v1/imports/${job.id}/cancel`).set('x-tenant-id', tenantB).expect(202);

    const res = await answer;
    upload.destroy();
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'crm.import_cancelled' });
    expect(await getImport(tenantB, job.id)).toMatchObject({ status: 'cancelled', rowsWritten: 0 });
    expect(await count(tenantB)).toBe(before);

    await sseEnded;
    const text = events.join('');
    expect(text).toMatch(/event: progress/);
    expect(text).toMatch(/event: finished\nid: \d+\ndata: \{[^\n]*"status":"cancelled"/);

    // The service goes on importing.
    const later = await request(http)
      .post('/v1/customers/import')
      .set('x-tenant-id', tenantB)
      .set('content-type', 'text/csv')
      .send('first_name,phone\nLater,+49 40 9000000\n')
      .expect(200);
    expect(later.body).toMatchObject({ created: 1 });
  });
});
