import { AcdV1, CommonV1 } from '@cc/contracts';
import { freePort, uniqueTenantId } from '@cc/testing';
import request from 'supertest';
import { startFrontedServices, type FrontedServices } from './fronted-services';
import {
  asOperator,
  bearer,
  expectProblem,
  provisionTenant,
  startGatewayTestApp,
  type GatewayTestApp,
} from './gateway-test-app';
import { readEvents } from './event-stream.util';

type Json = Record<string, unknown>;

describe('tenant API over acd: queues, skills, statistics (JSON and SSE), agents', () => {
  const tenantA = uniqueTenantId('gqa');
  const tenantB = uniqueTenantId('gqb');
  let services: FrontedServices;
  let t: GatewayTestApp;
  let keyA = '';
  let keyB = '';

  beforeAll(async () => {
    services = await startFrontedServices([tenantA, tenantB]);
    t = await startGatewayTestApp(services.env);
    keyA = (await provisionTenant(t.app, tenantA)).key;
    keyB = (await provisionTenant(t.app, tenantB)).key;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  const http = () => request(t.app.getHttpServer());

  it('creates a queue (defaults filled), reads it with an ETag, refuses a duplicate', async () => {
    const created = await http()
      .post('/v1/queues')
      .set(bearer(keyA))
      .send({ id: 'support', name: 'Support', requiredSkills: [{ skillId: 'billing', minLevel: 2 }] })
      .expect(201);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.body).toEqual({
      id: 'support',
      name: 'Support',
      requiredSkills: [{ skillId: 'billing', minLevel: 2 }],
      membersOnly: false,
      priority: 0,
      serviceLevel: { target: 0.8, thresholdSeconds: 20 },
      ringTimeoutSeconds: 20,
      wrapUpSeconds: 0,
      maxWaitSeconds: 0,
      overflow: [],
      agentSelection: 'longest_idle',
      openingHours: [],
      version: 1,
    });
    const got = await http().get('/v1/queues/support').set(bearer(keyA)).expect(200);
    expect(got.body).toEqual(created.body);
    expect(got.headers.etag).toBe('"v1"');
    const again = await http().post('/v1/queues').set(bearer(keyA)).send({ id: 'support', name: 'x' });
    expect(expectProblem(again, 409).code).toBe('queue_exists');
  });

  it('configures a queue with If-Match (412 when stale) and writes an audit record', async () => {
    await http().post('/v1/queues').set(bearer(keyA)).send({ id: 'sales', name: 'Sales' }).expect(201);
    const change = {
      wrapUpSeconds: 30,
      overflow: [
        { afterSeconds: 60, action: 'relax_levels', relaxBy: 1 },
        { afterSeconds: 120, action: 'move_to_queue', queueId: 'support' },
      ],
      openingHours: [{ weekday: 1, startMinute: 480, endMinute: 1020 }],
    };
    const updated = await http()
      .patch('/v1/queues/sales')
      .set(bearer(keyA))
      .set('If-Match', '"v1"')
      .send(change)
      .expect(200);
    expect(updated.headers.etag).toBe('"v2"');
    expect(updated.body).toMatchObject({ ...change, name: 'Sales', version: 2 });
    const stale = await http()
      .patch('/v1/queues/sales')
      .set(bearer(keyA))
      .set('If-Match', '"v1"')
      .send({ name: 'Lost update' });
    expectProblem(stale, 412);
    expect((await http().get('/v1/queues/sales').set(bearer(keyA)).expect(200)).body).toMatchObject({
      name: 'Sales',
      version: 2,
    });
    const audit = await t.ownerQuery<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_record WHERE tenant_id = $1 AND resource_id = 'sales' ORDER BY at, id`,
      [tenantA],
    );
    expect(audit.map((a) => a.action)).toEqual(['queue.created', 'queue.updated']);
    expect(audit[0]?.actor).toMatch(/^api_key:/);
  });

  it('answers bad input with 400 naming the field, before acd is asked', async () => {
    const bad = await http()
      .post('/v1/queues')
      .set(bearer(keyA))
      .send({ id: 'bad queue', name: 'x', serviceLevel: { target: 2, thresholdSeconds: 20 }, extra: 1 });
    const fields = (expectProblem(bad, 400).errors ?? []).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.id', 'body.serviceLevel.target', 'body']));
    const overflow = await http()
      .patch('/v1/queues/sales')
      .set(bearer(keyA))
      .send({ overflow: [{ afterSeconds: 1, action: 'teleport' }] });
    expect((expectProblem(overflow, 400).errors ?? [])[0]?.field).toMatch(/^body\.overflow\.0/);
  });

  it('keeps tenants apart: B neither sees nor changes A’s queue, and lists only its own', async () => {
    expectProblem(await http().get('/v1/queues/support').set(bearer(keyB)), 404);
    expectProblem(await http().patch('/v1/queues/support').set(bearer(keyB)).send({ name: 'Mine' }), 404);
    expectProblem(await http().get('/v1/queues/support/stats').set(bearer(keyB)), 404);
    await http().post('/v1/queues').set(bearer(keyB)).send({ id: 'b-only', name: 'B' }).expect(201);
    const listB = await http().get('/v1/queues').set(bearer(keyB)).expect(200);
    expect((listB.body as { data: Json[] }).data.map((q) => q.id)).toEqual(['b-only']);
    const listA = await http().get('/v1/queues?limit=1').set(bearer(keyA)).expect(200);
    const page1 = listA.body as { data: Json[]; nextCursor?: string };
    expect(page1.data.map((q) => q.id)).toEqual(['sales']);
    const page2 = await http()
      .get(`/v1/queues?limit=1&cursor=${page1.nextCursor ?? ''}`)
      .set(bearer(keyA))
      .expect(200);
    expect(page2.body).toMatchObject({ data: [{ id: 'support' }] });
    expect((page2.body as Json).nextCursor).toBeUndefined();
  });

  it('creates and lists skills per tenant', async () => {
    await http().post('/v1/skills').set(bearer(keyA)).send({ id: 'billing', name: 'Billing' }).expect(201);
    await http().post('/v1/skills').set(bearer(keyA)).send({ id: 'billing', name: 'Invoices' }).expect(201);
    expect((await http().get('/v1/skills').set(bearer(keyA)).expect(200)).body).toEqual({
      data: [{ id: 'billing', name: 'Invoices' }],
    });
    expect((await http().get('/v1/skills').set(bearer(keyB)).expect(200)).body).toEqual({ data: [] });
  });

  it('takes the tenant’s routing settings from the operator (zone, holidays, weight), named field on error', async () => {
    await request(t.app.getHttpServer())
      .put(`/admin/v1/tenants/${tenantA}/routing-settings`)
      .set(asOperator)
      .send({ timeZone: 'Pacific/Auckland', holidays: ['2026-12-25'], weight: 2 })
      .expect(200);
    const bad = await request(t.app.getHttpServer())
      .put(`/admin/v1/tenants/${tenantA}/routing-settings`)
      .set(asOperator)
      .send({ timeZone: 'Mars/Olympus' });
    expect((expectProblem(bad, 400).errors ?? [])[0]?.field).toBe('body.timeZone');
    expectProblem(
      await request(t.app.getHttpServer())
        .put(`/admin/v1/tenants/${tenantA}/routing-settings`)
        .set(bearer(keyA))
        .send({ timeZone: 'UTC' }),
      403,
    );
  });

  it('gives live statistics of both windows', async () => {
    const all = await http().get('/v1/queues/stats').set(bearer(keyA)).expect(200);
    expect((all.body as { data: Json[] }).data.map((s) => s.queueId).sort()).toEqual(['sales', 'support']);
    const today = await http().get('/v1/queues/support/stats?window=today').set(bearer(keyA)).expect(200);
    expect(today.body).toMatchObject({ queueId: 'support', window: 'today', waitingCalls: 0, offered: 0 });
    const last = await http().get('/v1/queues/stats?queueIds=support&window=last15m').set(bearer(keyA));
    expect(last.body).toMatchObject({ data: [{ queueId: 'support', window: 'last15m' }] });
    expectProblem(await http().get('/v1/queues/stats?window=yesterday').set(bearer(keyA)), 400);
  });

  it('streams statistics as Server-Sent Events, a queued call showing up live', async () => {
    const url = `${await t.app.getUrl()}/v1/queues/stats/stream?queueIds=support&intervalSeconds=1`;
    const controller = new AbortController();
    const response = await fetch(url, { headers: bearer(keyA), signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(response);
    try {
      const first = await events.next();
      expect(first.event).toBe('stats');
      expect(JSON.parse(first.data)).toMatchObject([{ queueId: 'support', waitingCalls: 0 }]);
      await services.acd.client.enqueueCall(
        {
          callId: 'call-sse-1',
          queueId: 'support',
          requiredSkills: [],
          priority: 0,
          valueTier: 0,
          customerId: '',
          language: '',
          telephonyNodeId: 'node-1',
          direction: CommonV1.CallDirection.CALL_DIRECTION_INBOUND,
          campaignId: '',
        },
        { tenantId: tenantA },
      );
      let waiting = 0;
      for (let i = 0; i < 5 && waiting === 0; i++) {
        const next = await events.next();
        waiting = (JSON.parse(next.data) as { waitingCalls: number }[])[0]?.waitingCalls ?? 0;
      }
      expect(waiting).toBe(1);
    } finally {
      controller.abort();
    }
    // B's stream never shows A's queue.
    const b = await fetch(`${await t.app.getUrl()}/v1/queues/stats/stream?queueIds=support`, {
      headers: bearer(keyB),
    });
    expect(b.status).toBe(404);
    expect(b.headers.get('content-type')).toContain('application/problem+json');
  });

  it('ends a statistics stream with `event: end` at its deadline (the client re-connects)', async () => {
    const short = await startGatewayTestApp({ ...services.env, STATS_STREAM_MAX_SECONDS: '2' });
    try {
      const key = (await provisionTenant(short.app, tenantA)).key;
      const response = await fetch(`${await short.app.getUrl()}/v1/queues/stats/stream?intervalSeconds=1`, {
        headers: bearer(key),
      });
      expect(response.status).toBe(200);
      const events = readEvents(response);
      const names: string[] = [];
      for (let i = 0; i < 10 && names[names.length - 1] !== 'end'; i++)
        names.push((await events.next()).event);
      expect(names[0]).toBe('stats');
      expect(names[names.length - 1]).toBe('end');
      expect(names).not.toContain('error');
    } finally {
      await short.close();
    }
  });

  it('lists the agents serving the tenant, with their skills there and their states', async () => {
    const acd = services.acd.client;
    await acd.upsertAgent({
      agentId: 'ag-7',
      displayName: 'Seven',
      endpoint: 'PJSIP/ag-7',
      qualityScore: 60,
    });
    await acd.upsertAgent({ agentId: 'ag-b', displayName: 'Bee', endpoint: 'PJSIP/ag-b', qualityScore: 60 });
    await acd.setAgentProfile(
      { agentId: 'ag-7', skills: [{ skillId: 'billing', level: 4 }], queueIds: ['support'], remove: false },
      { tenantId: tenantA },
    );
    await acd.setAgentProfile(
      { agentId: 'ag-7', skills: [{ skillId: 'sales', level: 9 }], queueIds: [], remove: false },
      { tenantId: tenantB },
    );
    await acd.setAgentProfile(
      { agentId: 'ag-b', skills: [], queueIds: [], remove: false },
      { tenantId: tenantB },
    );
    await acd.setAgentState({
      agentId: 'ag-7',
      state: AcdV1.AgentState.AGENT_STATE_NOT_READY,
      reasonCode: 'break',
      expectedVersion: 0,
    });
    const list = await http().get('/v1/agents').set(bearer(keyA)).expect(200);
    expect(list.body).toEqual({
      data: [
        {
          id: 'ag-7',
          displayName: 'Seven',
          skills: [{ skillId: 'billing', level: 4 }],
          queueIds: ['support'],
          status: {
            state: 'not_ready',
            reasonCode: 'break',
            since: expect.any(String) as unknown,
            callId: null,
          },
        },
      ],
    });
    expect(JSON.stringify(list.body)).not.toContain('PJSIP');
    await http().get('/v1/agents/ag-7').set(bearer(keyA)).expect(200);
    expectProblem(await http().get('/v1/agents/ag-b').set(bearer(keyA)), 404);
  });

  it('answers 503 problem+json quickly when acd is down, and 503 when it is not configured', async () => {
    const down = await startGatewayTestApp({ ACD_GRPC_URL: `127.0.0.1:${await freePort()}` });
    const unset = await startGatewayTestApp({});
    try {
      const key = (await provisionTenant(down.app, tenantA)).key;
      const started = Date.now();
      const res = await request(down.app.getHttpServer()).get('/v1/queues').set(bearer(key));
      expect(expectProblem(res, 503).code).toBe('upstream_unavailable');
      expect(res.headers['retry-after']).toBe('1');
      expect(Date.now() - started).toBeLessThan(down.config.UPSTREAM_DEADLINE_MS + 1_000);
      const stream = await request(down.app.getHttpServer()).get('/v1/queues/stats/stream').set(bearer(key));
      expectProblem(stream, 503);
      const keyUnset = (await provisionTenant(unset.app, tenantA)).key;
      expectProblem(await request(unset.app.getHttpServer()).get('/v1/agents').set(bearer(keyUnset)), 503);
    } finally {
      await down.close();
      await unset.close();
    }
  });
});
