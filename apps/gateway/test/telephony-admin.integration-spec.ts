import { uniqueTenantId } from '@cc/testing';
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

type Json = Record<string, unknown>;

const goodbyeFlow = { start: 'bye', steps: { bye: { type: 'hangup', prompt: ['sound:vm-goodbye'] } } };

describe('operator admin of DIDs, IVR flows, telephony settings and the agent pool; tenant reads', () => {
  const tenantA = uniqueTenantId('gta');
  const tenantB = uniqueTenantId('gtb');
  const did = `+1555${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;
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

  it('the operator saves a flow and assigns a DID; the tenant reads both; another tenant cannot take it', async () => {
    const flow = await http()
      .put(`/admin/v1/tenants/${tenantA}/ivr-flows/main`)
      .set(asOperator)
      .send({ name: 'Main', definition: goodbyeFlow })
      .expect(200);
    expect(flow.body).toMatchObject({ flowId: 'main', version: 1, name: 'Main' });
    const assigned = await http()
      .put(`/admin/v1/tenants/${tenantA}/dids/${encodeURIComponent(did)}`)
      .set(asOperator)
      .send({ flowId: 'main', label: 'Hotline' })
      .expect(201);
    expect(assigned.body).toMatchObject({ did, flowId: 'main', label: 'Hotline' });
    await http()
      .put(`/admin/v1/tenants/${tenantA}/dids/${encodeURIComponent(did)}`)
      .set(asOperator)
      .send({ flowId: 'main', label: 'Hotline 2' })
      .expect(200);
    await http()
      .put(`/admin/v1/tenants/${tenantB}/ivr-flows/main`)
      .set(asOperator)
      .send({ name: 'B', definition: goodbyeFlow })
      .expect(200);
    const taken = await http()
      .put(`/admin/v1/tenants/${tenantB}/dids/${encodeURIComponent(did)}`)
      .set(asOperator)
      .send({ flowId: 'main' });
    expectProblem(taken, 409);

    const dids = await http().get('/v1/dids').set(bearer(keyA)).expect(200);
    expect((dids.body as { data: Json[] }).data).toEqual([
      expect.objectContaining({ did, label: 'Hotline 2' }),
    ]);
    await http()
      .get(`/v1/dids/${encodeURIComponent(did)}`)
      .set(bearer(keyA))
      .expect(200);
    expectProblem(
      await http()
        .get(`/v1/dids/${encodeURIComponent(did)}`)
        .set(bearer(keyB)),
      404,
    );
    expect((await http().get('/v1/dids').set(bearer(keyB)).expect(200)).body).toEqual({ data: [] });

    const flows = await http().get('/v1/ivr-flows').set(bearer(keyA)).expect(200);
    expect((flows.body as { data: Json[] }).data.map((f) => f.flowId)).toEqual(['main']);
    const got = await http().get('/v1/ivr-flows/main').set(bearer(keyA)).expect(200);
    expect(got.body).toMatchObject({ flowId: 'main', definition: goodbyeFlow });
    expect((await http().get('/v1/ivr-flows/main').set(bearer(keyB)).expect(200)).body).toMatchObject({
      name: 'B',
    });

    const audit = await t.ownerQuery<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_record WHERE tenant_id = $1 AND resource_type IN ('did', 'ivr_flow') ORDER BY at, id`,
      [tenantA],
    );
    expect(audit.map((a) => a.action)).toEqual(['ivr_flow.saved', 'did.assigned', 'did.updated']);
    expect(audit[0]?.actor).toBe('operator:tests');
  });

  it('refuses a broken flow naming the rule, and a DID pointed at an unknown flow', async () => {
    const broken = await http()
      .put(`/admin/v1/tenants/${tenantA}/ivr-flows/broken`)
      .set(asOperator)
      .send({ name: 'Broken', definition: { start: 'nowhere', steps: {} } });
    const fields = (expectProblem(broken, 400).errors ?? []).map((e) => e.field);
    expect(fields.some((f) => f.startsWith('body.definition'))).toBe(true);
    const validate = await http()
      .post('/v1/ivr-flows/validate')
      .set(bearer(keyA))
      .send({ start: 'nowhere', steps: {} });
    expectProblem(validate, 400);
    await http().post('/v1/ivr-flows/validate').set(bearer(keyA)).send(goodbyeFlow).expect(200);
    const noFlow = await http()
      .put(`/admin/v1/tenants/${tenantA}/dids/4930999`)
      .set(asOperator)
      .send({ flowId: 'missing' });
    expect((expectProblem(noFlow, 400).errors ?? [])[0]?.field).toBe('body.flowId');
    const badDid = await http()
      .put(`/admin/v1/tenants/${tenantA}/dids/abc`)
      .set(asOperator)
      .send({ flowId: 'main' });
    expect((expectProblem(badDid, 400).errors ?? [])[0]?.field).toBe('path.did');
  });

  it('the operator sets telephony settings; the tenant reads them', async () => {
    await http()
      .put(`/admin/v1/tenants/${tenantA}/telephony-settings`)
      .set(asOperator)
      .send({ timeZone: 'Europe/Zurich', recordCalls: true })
      .expect(200);
    const settings = await http().get('/v1/telephony-settings').set(bearer(keyA)).expect(200);
    expect(settings.body).toMatchObject({ timeZone: 'Europe/Zurich', recordCalls: true });
    const other = await http().get('/v1/telephony-settings').set(bearer(keyB)).expect(200);
    expect(other.body).not.toMatchObject({ timeZone: 'Europe/Zurich', recordCalls: true });
  });

  it('the operator manages the agent pool, each agent’s skills per tenant, and the tenants’ skills', async () => {
    await http()
      .put(`/admin/v1/tenants/${tenantA}/skills/billing`)
      .set(asOperator)
      .send({ name: 'Billing' })
      .expect(200);
    expect((await http().get(`/admin/v1/tenants/${tenantA}/skills`).set(asOperator)).body).toEqual({
      data: [{ id: 'billing', name: 'Billing' }],
    });
    const agent = await http()
      .put('/admin/v1/agents/agent-1001')
      .set(asOperator)
      .send({ displayName: 'Ada', endpoint: 'PJSIP/agent-1001', qualityScore: 80 })
      .expect(200);
    expect(agent.body).toMatchObject({ id: 'agent-1001', endpoint: 'PJSIP/agent-1001', profiles: [] });
    const badEndpoint = await http()
      .put('/admin/v1/agents/agent-1002')
      .set(asOperator)
      .send({ displayName: 'Bad', endpoint: 'not an endpoint' });
    expect((expectProblem(badEndpoint, 400).errors ?? [])[0]?.field).toBe('body.endpoint');
    const profiled = await http()
      .put(`/admin/v1/tenants/${tenantA}/agents/agent-1001/profile`)
      .set(asOperator)
      .send({ skills: [{ skillId: 'billing', level: 7 }] })
      .expect(200);
    expect(profiled.body).toMatchObject({
      profiles: [{ tenantId: tenantA, skills: [{ skillId: 'billing', level: 7 }], queueIds: [] }],
    });
    const seen = await http().get('/v1/agents').set(bearer(keyA)).expect(200);
    expect(seen.body).toMatchObject({
      data: [{ id: 'agent-1001', skills: [{ skillId: 'billing', level: 7 }] }],
    });
    expect((await http().get('/v1/agents').set(bearer(keyB)).expect(200)).body).toEqual({ data: [] });
    const pool = await http().get('/admin/v1/agents').set(asOperator).expect(200);
    expect((pool.body as { data: Json[] }).data.map((a) => a.id)).toContain('agent-1001');
    expectProblem(
      await http()
        .put(`/admin/v1/tenants/${tenantA}/agents/nobody/profile`)
        .set(asOperator)
        .send({ skills: [] }),
      404,
    );

    await http().delete(`/admin/v1/tenants/${tenantA}/agents/agent-1001/profile`).set(asOperator).expect(200);
    expect((await http().get('/v1/agents').set(bearer(keyA)).expect(200)).body).toEqual({ data: [] });
    const audit = await t.ownerQuery<{ action: string }>(
      `SELECT action FROM audit_record WHERE resource_type IN ('agent', 'skill') ORDER BY at, id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'skill.created',
      'agent.created',
      'agent_profile.set',
      'agent_profile.removed',
    ]);
  });

  it('refuses a tenant credential on every admin route of this suite', async () => {
    for (const res of [
      await http()
        .put(`/admin/v1/tenants/${tenantA}/dids/${encodeURIComponent(did)}`)
        .set(bearer(keyA))
        .send({ flowId: 'main' }),
      await http()
        .put('/admin/v1/agents/agent-1001')
        .set(bearer(keyA))
        .send({ displayName: 'x', endpoint: 'PJSIP/x' }),
      await http().get(`/admin/v1/tenants/${tenantA}/skills`).set(bearer(keyA)),
    ])
      expectProblem(res, 403);
  });
});
