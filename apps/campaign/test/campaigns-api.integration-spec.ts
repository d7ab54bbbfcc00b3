import request from 'supertest';
import type { App } from 'supertest/types';
import { FixedClock } from '../src/infrastructure/clock';
import {
  type CampaignTestApp,
  problemFields,
  startCampaignTestApp,
  uniqueTenants,
} from './campaign-test-app';

describe('campaign REST', () => {
  let svc: CampaignTestApp;
  let http: App;
  const clock = new FixedClock(new Date('2026-11-23T15:00:00Z'));
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  type Method = 'get' | 'post' | 'patch';
  const A = (method: Method, url: string) => request(http)[method](url).set('x-tenant-id', tenantA);
  const B = (method: Method, url: string) => request(http)[method](url).set('x-tenant-id', tenantB);
  const valid = { name: 'Renewals Q4', mode: 'predictive', queueId: 'q_sales', callerId: '+12125550100' };

  beforeAll(async () => {
    svc = await startCampaignTestApp({ clock });
    http = svc.app.getHttpServer();
  });
  afterAll(async () => svc.close());

  it('creates a campaign with the legal defaults and reads it back', async () => {
    const created = await A('post', '/v1/campaigns').send(valid).expect(201);
    expect(created.body).toMatchObject({
      name: 'Renewals Q4',
      state: 'draft',
      ringTimeoutSeconds: 25,
      abandonLimit: 0.03,
      retryRules: { busy: { delayMinutes: 15, maxRetries: 3 } },
    });
    await A('get', `/v1/campaigns/${created.body.id}`).expect(200);
    const list = await A('get', '/v1/campaigns').expect(200);
    expect((list.body as { items: { id: string }[] }).items.map((c) => c.id)).toContain(created.body.id);
  });

  it('refuses bad input with problem+json naming the field and the rule, and writes nothing', async () => {
    const before = await svc.ownerQuery<{ n: string }>('SELECT count(*) AS n FROM campaign');
    const res = await A('post', '/v1/campaigns')
      .send({
        ...valid,
        callerId: '555',
        ringTimeoutSeconds: 10,
        abandonLimit: 0.05,
        mode: 'robocall',
        extra: 1,
      })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(problemFields(res.body)).toEqual(
      expect.arrayContaining(['body.callerId', 'body.ringTimeoutSeconds', 'body.abandonLimit', 'body.mode']),
    );
    const after = await svc.ownerQuery<{ n: string }>('SELECT count(*) AS n FROM campaign');
    expect(after[0]!.n).toBe(before[0]!.n);
    await A('get', '/v1/campaigns?limit=0').expect(400);
    await request(http).get('/v1/campaigns').expect(401);
  });

  it('starts, pauses, resumes and stops; a command that does not apply is refused', async () => {
    const { body } = await A('post', '/v1/campaigns').send(valid).expect(201);
    const id = body.id as string;
    await A('post', `/v1/campaigns/${id}/pause`).expect(409);
    expect((await A('post', `/v1/campaigns/${id}/start`).expect(200)).body.state).toBe('running');
    expect((await A('post', `/v1/campaigns/${id}/pause`).expect(200)).body.state).toBe('paused');
    expect((await A('post', `/v1/campaigns/${id}/resume`).expect(200)).body.state).toBe('running');
    expect((await A('post', `/v1/campaigns/${id}/stop`).expect(200)).body.state).toBe('stopped');
    const again = await A('post', `/v1/campaigns/${id}/resume`).expect(409);
    expect(again.body.detail).toMatch(/cannot resume a campaign that is stopped/);
  });

  it('imports a CSV contact list, all or nothing, with problems named by line and column', async () => {
    const { body } = await A('post', '/v1/campaigns').send(valid).expect(201);
    const id = body.id as string;
    const bad = await A('post', `/v1/campaigns/${id}/contacts/import`)
      .set('content-type', 'text/csv')
      .send('phone,name,lead_score\n+12125551234,Ann,50\nnot-a-number,Bob,20\n+14155552671,Cy,900\n')
      .expect(400);
    expect(problemFields(bad.body)).toEqual(['lines.3.phone', 'lines.4.lead_score']);
    expect(await svc.ownerQuery('SELECT id FROM contact WHERE campaign_id = $1', [id])).toHaveLength(0);
    const unknownColumn = await A('post', `/v1/campaigns/${id}/contacts/import`)
      .set('content-type', 'text/csv')
      .send('phone,shoe_size\n+12125551234,9\n')
      .expect(400);
    expect(problemFields(unknownColumn.body)).toEqual(['header.shoe_size']);
    await A('post', `/v1/campaigns/${id}/contacts/import`).send({ phone: '+1' }).expect(400);
    const ok = await A('post', `/v1/campaigns/${id}/contacts/import?defaultCountry=US`)
      .set('content-type', 'text/csv')
      .send(
        'phone,name,time_zone\n(212) 555-1234,Ann,America/New_York\n+14155552671,Cy,\n212 555 1234,Ann again,\n',
      )
      .expect(200);
    expect(ok.body).toEqual({ imported: 2, skipped: 0 });
    const again = await A('post', `/v1/campaigns/${id}/contacts/import`)
      .set('content-type', 'text/csv')
      .send('phone\n+12125551234\n')
      .expect(200);
    expect(again.body).toEqual({ imported: 0, skipped: 1 });
    const contacts = await A('get', `/v1/campaigns/${id}/contacts`).expect(200);
    expect((contacts.body as { items: { phone: string }[] }).items.map((c) => c.phone).sort()).toEqual([
      '+12125551234',
      '+14155552671',
    ]);
  });

  it('reports compliance from the ledger, the attempts and the refused dials', async () => {
    const { body } = await A('post', '/v1/campaigns').send(valid).expect(201);
    const id = body.id as string;
    const now = clock.now().toISOString();
    const old = new Date(clock.now().getTime() - 2 * 86_400_000).toISOString();
    // Ledger rows as the dialer and the call-facts consumer write them (one abandon yesterday-but-one).
    await svc.ownerQuery(
      `INSERT INTO ledger_entry (tenant_id, campaign_id, attempt_id, kind, occurred_at)
       SELECT $1, $2, 'att' || g, 'dial', $3::timestamptz FROM generate_series(1, 40) g
       UNION ALL SELECT $1, $2, 'att' || g, 'live_answer', $3::timestamptz FROM generate_series(1, 30) g
       UNION ALL SELECT $1, $2, 'att1', 'abandoned', $4::timestamptz`,
      [tenantA, id, now, old],
    );
    await svc.ownerQuery(
      `INSERT INTO dial_block (id, tenant_id, campaign_id, contact_id, phone, reason, occurred_at)
       VALUES ('b1', $1, $2, 'c1', '+12125550000', 'do_not_call', $3::timestamptz), ('b2', $1, $2, 'c2', '+12125550001', 'outside_hours', $3::timestamptz)`,
      [tenantA, id, now],
    );
    const report = await A('get', `/v1/campaigns/${id}/compliance`).expect(200);
    expect(report.body).toMatchObject({
      campaignId: id,
      callsOutsideHours: 0,
      dncHitsBlocked: 1,
      blocked: { do_not_call: 1, outside_hours: 1 },
      windows: [
        { window: '30d', dials: 40, liveAnswers: 30, abandoned: 1, withinLimit: false },
        { window: '24h', dials: 40, liveAnswers: 30, abandoned: 0, rate: 0, withinLimit: true },
      ],
    });
  });

  it('keeps tenants apart on every endpoint', async () => {
    const { body } = await A('post', '/v1/campaigns').send(valid).expect(201);
    const id = body.id as string;
    await B('get', `/v1/campaigns/${id}`).expect(404);
    await B('patch', `/v1/campaigns/${id}`).send({ name: 'mine now' }).expect(404);
    for (const command of ['start', 'pause', 'resume', 'stop'])
      await B('post', `/v1/campaigns/${id}/${command}`).expect(404);
    await B('post', `/v1/campaigns/${id}/contacts/import`)
      .set('content-type', 'text/csv')
      .send('phone\n+12125551234\n')
      .expect(404);
    await B('get', `/v1/campaigns/${id}/contacts`).expect(404);
    await B('get', `/v1/campaigns/${id}/compliance`).expect(404);
    const listB = await B('get', '/v1/campaigns').expect(200);
    expect(listB.body.items).toEqual([]);
    expect((await A('get', `/v1/campaigns/${id}`).expect(200)).body.name).toBe(valid.name);
  });

  it('row-level security hides other tenants even from an unscoped query', async () => {
    const rows = await svc.ownerQuery<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'campaign' AND c.relkind = 'r' AND c.relname NOT IN ('processed_event', '_prisma_migrations')
         AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
    );
    expect(rows).toEqual([]);
  });
});
