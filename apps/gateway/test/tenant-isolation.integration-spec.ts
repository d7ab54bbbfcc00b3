import { AcdV1, CallEnded, RecordingReady } from '@cc/contracts';
import { randomSuffix, waitFor } from '@cc/testing';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { TENANT_PERMISSIONS } from '../src/modules/auth/permission.constant';
import { readEvents } from './event-stream.util';
import { startFrontedServices, type FrontedServices } from './fronted-services';
import { OPERATOR_TOKEN, startGatewayTestApp, type GatewayTestApp } from './gateway-test-app';

type Json = Record<string, unknown>;
interface Route {
  doc: string;
  method: string;
  path: string;
  op: Json;
}

/** A minimal valid value for a JSON schema (enough for the routes' bodies; refinements aside). */
function sample(schema: Json | undefined): unknown {
  if (!schema) return {};
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((k) => [k, sample(props[k])]));
    }
    case 'array':
      return Array.from({ length: Number(schema.minItems ?? 0) }, () => sample(schema.items as Json));
    case 'string':
      if (schema.format === 'email') return `x${randomSuffix()}@example.com`;
      if (schema.format === 'uri') return 'https://example.com/hook';
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      return 'x'.repeat(Math.max(12, Number(schema.minLength ?? 1)));
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? 0);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

describe('tenant isolation over every route of the OpenAPI documents', () => {
  let t: GatewayTestApp;
  let services: FrontedServices;
  const tenantA = `ta_${randomSuffix()}`;
  const tenantB = `tb_${randomSuffix()}`;
  const ids: Record<string, string> = {};
  const markers = [
    `a-${randomSuffix()}@example.com`,
    `https://example.com/${randomSuffix()}`,
    `key-${randomSuffix()}`,
    `Queue ${randomSuffix()}`,
    `Customer${randomSuffix()}`,
    `Line ${randomSuffix()}`,
    `Agent ${randomSuffix()}`,
  ];
  const did = `+1555${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;
  let keyA = '';
  let keyB = '';
  let keyBNoScopes = '';
  let routes: Route[] = [];
  const op = () => ({ Authorization: `Bearer ${OPERATOR_TOKEN}` });

  async function snapshotA(): Promise<string> {
    const parts: string[] = [];
    for (const table of [
      'app_user',
      'api_key',
      'audit_record',
      'webhook_subscription',
      'webhook_delivery',
      'refresh_token',
    ]) {
      const rows = await t.ownerQuery<{ h: string | null }>(
        `SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) AS h FROM ${table} x WHERE tenant_id = $1`,
        [tenantA],
      );
      parts.push(`${table}:${rows[0]?.h ?? 'none'}`);
    }
    const tenant = await t.ownerQuery<{ h: string }>(`SELECT md5(x::text) AS h FROM tenant x WHERE id = $1`, [
      tenantA,
    ]);
    parts.push(`tenant:${tenant[0]?.h}`);
    // What the fronted services keep for A: acd's configuration, crm's customers, telephony's numbers,
    // flows, settings and call history.
    const asA = { tenantId: tenantA };
    const acd = services.acd.client;
    parts.push(
      `acd:${JSON.stringify([
        await acd.listQueues({ queueIds: [] }, asA),
        await acd.listSkills({}, asA),
        (await acd.listAgents({ agentIds: [] }, asA)).agents.map((a) => a.profiles),
      ])}`,
    );
    const crm = await services.crm.ownerQuery<{ h: string | null }>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) AS h FROM customer x WHERE tenant_id = $1`,
      [tenantA],
    );
    parts.push(`crm:${crm[0]?.h ?? 'none'}`);
    for (const table of [
      'did',
      'ivr_flow',
      'ivr_flow_version',
      'tenant_settings',
      'call_record',
      'call_recording',
    ]) {
      const rows = await services.telephonyQuery<{ h: string | null }>(
        `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${table} x WHERE tenant_id = $1`,
        [tenantA],
      );
      parts.push(`${table}:${rows[0]?.h ?? 'none'}`);
    }
    return parts.join(',');
  }

  beforeAll(async () => {
    services = await startFrontedServices([tenantA, tenantB]);
    t = await startGatewayTestApp(services.env);
    const http = t.app.getHttpServer();
    for (const id of [tenantA, tenantB]) {
      await request(http).post('/admin/v1/tenants').set(op()).send({ id, name: id }).expect(201);
    }
    const key = async (tenant: string, scopes: string[]) =>
      (
        await request(http)
          .post(`/admin/v1/tenants/${tenant}/api-keys`)
          .set(op())
          .send({ name: tenant === tenantA ? markers[2] : 'b', scopes })
          .expect(201)
      ).body as Json;
    const a = await key(tenantA, [...TENANT_PERMISSIONS]);
    keyA = a.key as string;
    ids.keyId = a.id as string;
    keyB = (await key(tenantB, [...TENANT_PERMISSIONS])).key as string;
    keyBNoScopes = (await key(tenantB, [])).key as string;
    const asA = { Authorization: `Bearer ${keyA}` };
    const user = await request(http)
      .post('/v1/users')
      .set(asA)
      .send({ email: markers[0], displayName: 'A', role: 'agent', password: 'a-long-password-1' })
      .expect(201);
    ids.userId = (user.body as Json).id as string;
    const hook = await request(http)
      .post('/v1/webhooks')
      .set(asA)
      .send({ url: markers[1], factTypes: ['*'] })
      .expect(201);
    ids.subscriptionId = (hook.body as Json).id as string;
    ids.deliveryId = `whd_${randomSuffix()}`;
    await t.ownerQuery(
      `INSERT INTO webhook_delivery (id, tenant_id, subscription_id, event_id, event_type, subject, payload, status)
       VALUES ($1, $2, $3, 'e1', 'telephony.call.ended', 'cc.x.telephony.call.ended', '{}', 'dead')`,
      [ids.deliveryId, tenantA, ids.subscriptionId],
    );
    ids.tenantId = tenantA;

    // Tenant A's resources in the fronted services, each reached by some route with its id.
    ids.queueId = `qa-${randomSuffix()}`;
    await request(http).post('/v1/queues').set(asA).send({ id: ids.queueId, name: markers[3] }).expect(201);
    ids.skillId = `sk-${randomSuffix()}`;
    await request(http).post('/v1/skills').set(asA).send({ id: ids.skillId, name: 'Skill A' }).expect(201);
    const customer = await request(http)
      .post('/v1/customers')
      .set(asA)
      .send({ displayName: markers[4], emails: [`c-${markers[0]}`] })
      .expect(201);
    ids.customerId = (customer.body as Json).id as string;
    ids.flowId = `flow-a-${randomSuffix()}`;
    await request(http)
      .put(`/admin/v1/tenants/${tenantA}/ivr-flows/${ids.flowId}`)
      .set(op())
      .send({ name: 'A flow', definition: { start: 'bye', steps: { bye: { type: 'hangup' } } } })
      .expect(200);
    ids.did = did;
    await request(http)
      .put(`/admin/v1/tenants/${tenantA}/dids/${encodeURIComponent(did)}`)
      .set(op())
      .send({ flowId: ids.flowId, label: markers[5] })
      .expect(201);
    ids.agentId = `ag-${randomSuffix()}`;
    await request(http)
      .put(`/admin/v1/agents/${ids.agentId}`)
      .set(op())
      .send({ displayName: markers[6], endpoint: `PJSIP/${ids.agentId}` })
      .expect(200);
    await request(http)
      .put(`/admin/v1/tenants/${tenantA}/agents/${ids.agentId}/profile`)
      .set(op())
      .send({ skills: [{ skillId: ids.skillId, level: 5 }], queueIds: [ids.queueId] })
      .expect(200);
    await services.acd.client.setAgentState({
      agentId: ids.agentId,
      state: AcdV1.AgentState.AGENT_STATE_AVAILABLE,
      reasonCode: '',
      expectedVersion: 0,
    });
    ids.callId = `call-${randomSuffix()}`;
    ids.recordingId = `rec-${randomSuffix()}`;
    await services.publishTelephonyFact(CallEnded, tenantA, {
      callId: ids.callId,
      direction: 'inbound',
      from: '+15550001111',
      to: did,
      queueId: ids.queueId,
      agentId: ids.agentId,
      startedAt: '2026-11-20T10:00:00.000Z',
      endedAt: '2026-11-20T10:05:00.000Z',
      waitMs: 1_000,
      talkMs: 290_000,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      hangupBy: 'caller',
      recordingId: ids.recordingId,
    });
    await services.publishTelephonyFact(RecordingReady, tenantA, {
      recordingId: ids.recordingId,
      callId: ids.callId,
      durationMs: 290_000,
      format: 'wav',
      consentPlayed: false,
    });
    await waitFor('A’s call in the history', async () => {
      const res = await request(http).get(`/v1/calls/${ids.callId}`).set(asA);
      return res.status === 200 && ((res.body as Json).recordings as unknown[]).length === 1;
    });
    for (const [doc, url] of [
      ['tenant', '/v1/openapi.json'],
      ['admin', '/admin/v1/openapi.json'],
    ] as const) {
      const document = (await request(http).get(url).expect(200)).body as {
        paths: Record<string, Record<string, Json>>;
      };
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods))
          routes.push({ doc, method, path, op: operation });
      }
    }
    routes = routes.filter((r) => (r.op['x-cc-auth'] as { audience: string }).audience !== 'public');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  /**
   * An event stream answers 200 and stays open: read its first event, then hang up (its status and
   * that event are the answer); an error answers at once.
   */
  async function callStream(
    url: string,
    auth: string | undefined,
  ): Promise<{ status: number; body: unknown; text: string }> {
    const controller = new AbortController();
    const res = await fetch(`${await t.app.getUrl()}${url}`, {
      headers: auth ? { Authorization: `Bearer ${auth}` } : {},
      signal: controller.signal,
    });
    try {
      if (res.status !== 200) {
        const text = await res.text();
        return { status: res.status, body: JSON.parse(text) as unknown, text };
      }
      const first = await readEvents(res).next();
      return { status: res.status, body: JSON.parse(first.data) as unknown, text: first.data };
    } finally {
      controller.abort();
    }
  }

  function call(
    route: Route,
    auth: string | undefined,
  ): PromiseLike<{ status: number; body: unknown; text: string }> {
    if (route.op['x-cc-stream']) return callStream(route.path, auth);
    const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = ids[name];
      if (!value) throw new Error(`no id of tenant A for path parameter ${name} (${route.path})`);
      return value;
    });
    const body = (route.op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined)
      ?.content?.['application/json']?.schema;
    const req = (request(t.app.getHttpServer()) as unknown as Record<string, (u: string) => request.Test>)[
      route.method
    ]!(url);
    if (auth) req.set('Authorization', `Bearer ${auth}`);
    return ['post', 'patch', 'put'].includes(route.method) ? req.send(sample(body) as object) : req;
  }

  it('covers the routes of both documents', () => {
    expect(routes.filter((r) => r.doc === 'tenant').length).toBeGreaterThanOrEqual(15);
    expect(routes.filter((r) => r.doc === 'admin').length).toBeGreaterThanOrEqual(15);
    // The routes fronting acd, crm and telephony are walked too (with A's real ids).
    const paths = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const path of [
      'get /v1/queues/{queueId}',
      'patch /v1/queues/{queueId}',
      'get /v1/queues/stats/stream',
      'get /v1/agents/{agentId}',
      'get /v1/customers/{customerId}/interactions',
      'get /v1/calls/{callId}/recordings/{recordingId}/url',
      'get /v1/dids/{did}',
      'get /v1/ivr-flows/{flowId}',
      'put /admin/v1/tenants/{tenantId}/dids/{did}',
      'put /admin/v1/tenants/{tenantId}/agents/{agentId}/profile',
    ])
      expect(paths).toContain(path);
  });

  it('refuses tenant B on every route touching tenant A, and A is unchanged', async () => {
    const before = await snapshotA();
    const failures: string[] = [];
    for (const route of routes) {
      const res = await call(route, keyB);
      const hasParams = route.path.includes('{');
      // A problem's `instance` echoes the requested URL (which holds A's ids): that is not A's data.
      const { instance: _instance, ...payload } = (res.body ?? {}) as Json;
      const text = JSON.stringify(payload);
      // Ids the caller typed may be echoed in a 404's detail; A's data (email, URL, key name) never.
      const leaked =
        markers.some((m) => text.includes(m)) || (route.doc === 'tenant' && text.includes(tenantA));
      const refused = res.status === 403 || res.status === 404;
      if (route.doc === 'admin' ? res.status !== 403 : hasParams ? !refused : res.status >= 500 || leaked) {
        failures.push(
          `${route.method.toUpperCase()} ${route.path} -> ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
      if (leaked) failures.push(`${route.method.toUpperCase()} ${route.path} leaked tenant A data`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotA()).toBe(before);
  }, 120_000);

  it('refuses a missing, expired or wrong-scope credential on every route', async () => {
    const expired = jwt.sign(
      { sub: 'usr_x', role: 'tenant_admin', tid: tenantB, typ: 'access', iat: 1_000, exp: 2_000 },
      t.config.JWT_SECRET,
      { algorithm: 'HS256', issuer: 'cc-gateway', audience: 'cc-gateway' },
    );
    const failures: string[] = [];
    for (const route of routes) {
      const missing = await call(route, undefined);
      if (missing.status !== 401) failures.push(`missing ${route.method} ${route.path} -> ${missing.status}`);
      const old = await call(route, expired);
      if (old.status !== 401) failures.push(`expired ${route.method} ${route.path} -> ${old.status}`);
      const auth = route.op['x-cc-auth'] as { audience: string; permission?: string };
      if (route.doc === 'admin' || auth.permission) {
        const scoped = await call(route, keyBNoScopes);
        if (scoped.status !== 403)
          failures.push(`no scope ${route.method} ${route.path} -> ${scoped.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
