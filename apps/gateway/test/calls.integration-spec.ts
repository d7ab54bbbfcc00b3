import { AcdV1 } from '@cc/contracts';
import { uniqueTenantId, waitFor } from '@cc/testing';
import request from 'supertest';
import { startFrontedServices, type FrontedServices } from './fronted-services';
import {
  asOperator,
  bearer,
  expectProblem,
  provisionTenant,
  startGatewayTestApp,
  TestClock,
  type GatewayTestApp,
} from './gateway-test-app';

type Json = Record<string, unknown>;
interface CallBody {
  id: string;
  state: string;
  recordings: { id: string }[];
}

/**
 * A real inbound call through the platform (ari-sim -> telephony IVR -> acd queue -> agent ->
 * recorded conversation -> hang-up), then read through the gateway: the call history, a live call,
 * and the recording by a signed URL.
 */
describe('tenant API over telephony: calls (list, filters, get) and recordings by signed URL', () => {
  const tenantA = uniqueTenantId('gla');
  const tenantB = uniqueTenantId('glb');
  const did = `+1555${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;
  const clock = new TestClock();
  let services: FrontedServices;
  let t: GatewayTestApp;
  let keyA = '';
  let keyB = '';
  let call: CallBody;
  const liveStates: string[] = [];
  let liveForB = 0;

  const http = () => request(t.app.getHttpServer());
  const sim = (path: string, body: object, method = 'POST') =>
    fetch(`${services.ariSim.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    services = await startFrontedServices([tenantA, tenantB]);
    t = await startGatewayTestApp(services.env, { clock });
    keyA = (await provisionTenant(t.app, tenantA)).key;
    keyB = (await provisionTenant(t.app, tenantB)).key;
    await http().post('/v1/queues').set(bearer(keyA)).send({ id: 'support', name: 'Support' }).expect(201);
    await http()
      .put(`/admin/v1/tenants/${tenantA}/ivr-flows/main`)
      .set(asOperator)
      .send({ name: 'Main', definition: { start: 'q', steps: { q: { type: 'queue', queueId: 'support' } } } })
      .expect(200);
    await http()
      .put(`/admin/v1/tenants/${tenantA}/dids/${encodeURIComponent(did)}`)
      .set(asOperator)
      .send({ flowId: 'main' })
      .expect(201);
    await http()
      .put(`/admin/v1/tenants/${tenantA}/telephony-settings`)
      .set(asOperator)
      .send({ timeZone: 'UTC', recordCalls: true, announceEverySeconds: 0 })
      .expect(200);
    await http()
      .put('/admin/v1/agents/agent-9')
      .set(asOperator)
      .send({ displayName: 'Nine', endpoint: 'PJSIP/agent-9' })
      .expect(200);
    await http()
      .put(`/admin/v1/tenants/${tenantA}/agents/agent-9/profile`)
      .set(asOperator)
      .send({ skills: [], queueIds: ['support'] })
      .expect(200);
    await services.acd.client.setAgentState({
      agentId: 'agent-9',
      state: AcdV1.AgentState.AGENT_STATE_AVAILABLE,
      reasonCode: '',
      expectedVersion: 0,
    });
    expect((await sim('/sim/v1/endpoints/PJSIP/agent-9', { answerAfterMs: 1_000 }, 'PUT')).ok).toBe(true);
    await waitFor('telephony to hold its node', async () => {
      const res = await fetch(`${services.env.TELEPHONY_URL}/health/ready`);
      return res.ok;
    });
    const placed = await sim('/sim/v1/inbound-calls', {
      from: '+15550001111',
      to: did,
      hangupAfterMs: 40_000,
      talk: [{ afterMs: 5_000, durationMs: 10_000 }],
    });
    expect(placed.status).toBe(201);
    const { channelId } = (await placed.json()) as { channelId: string };

    // While it waits or talks, the call is live for its tenant (and for it alone).
    await waitFor(
      'the call to be live',
      async () => {
        const res = await http().get(`/v1/calls/call-${channelId}`).set(bearer(keyA));
        if (res.status === 200 && (res.body as CallBody).state !== 'ended')
          liveStates.push((res.body as CallBody).state);
        return liveStates.length > 0;
      },
      10_000,
    );
    liveForB = (await http().get(`/v1/calls/call-${channelId}`).set(bearer(keyB))).status;
    await waitFor(
      'the ended call and its recording in the history',
      async () => {
        const res = await http().get('/v1/calls').set(bearer(keyA));
        const found = (res.body as { data?: CallBody[] }).data?.[0];
        if (found && found.recordings.length > 0) call = found;
        return call !== undefined;
      },
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  it('lists the ended call with its wait, talk, agent, queue and recording; filters apply', async () => {
    const res = await http().get('/v1/calls').set(bearer(keyA)).expect(200);
    expect((res.body as { data: Json[] }).data[0]).toMatchObject({
      id: call.id,
      state: 'ended',
      direction: 'inbound',
      from: '+15550001111',
      queueId: 'support',
      agentId: 'agent-9',
      hangupBy: 'caller',
      recordings: [{ id: expect.any(String) as unknown, format: 'wav' }],
    });
    const ids = async (query: Record<string, string>) =>
      (
        (await http().get('/v1/calls').query(query).set(bearer(keyA)).expect(200)).body as { data: Json[] }
      ).data.map((c) => c.id);
    expect(await ids({ queueId: 'support', direction: 'inbound', recorded: 'true' })).toEqual([call.id]);
    expect(await ids({ direction: 'outbound' })).toEqual([]);
    expect(await ids({ number: '+15550001111' })).toEqual([call.id]);
    expect(await ids({ from: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    const bad = await http().get('/v1/calls').query({ from: 'yesterday' }).set(bearer(keyA));
    expect((expectProblem(bad, 400).errors ?? [])[0]?.field).toBe('query.from');
    const badCursor = await http().get('/v1/calls').query({ cursor: 'nope' }).set(bearer(keyA));
    expect((expectProblem(badCursor, 400).errors ?? [])[0]?.field).toBe('query.cursor');
  });

  it('showed the call live while it ran, to its tenant only', () => {
    expect(liveStates[0]).toMatch(/^(ringing|ivr|queued|agent_ringing|connected)$/);
    expect(liveForB).toBe(404);
  });

  it('gets the call; another tenant gets 404 and lists none', async () => {
    const got = await http().get(`/v1/calls/${call.id}`).set(bearer(keyA)).expect(200);
    expect(got.body).toMatchObject({ id: call.id, state: 'ended' });
    expectProblem(await http().get(`/v1/calls/${call.id}`).set(bearer(keyB)), 404);
    expect((await http().get('/v1/calls').set(bearer(keyB)).expect(200)).body).toEqual({ data: [] });
    expectProblem(await http().get('/v1/calls/no-such-call').set(bearer(keyA)), 404);
  });

  it('downloads the recording by a short-lived signed URL, streamed from the Asterisk store', async () => {
    const recordingId = call.recordings[0]!.id;
    const signed = await http()
      .get(`/v1/calls/${call.id}/recordings/${recordingId}/url`)
      .set(bearer(keyA))
      .expect(200);
    const { url, expiresAt } = signed.body as { url: string; expiresAt: string };
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBeLessThanOrEqual(
      t.config.RECORDING_URL_TTL_SECONDS * 1000,
    );
    const path = url.slice(url.indexOf('/v1/'));
    const file = await http()
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((file.body as Buffer).subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(file.headers['cache-control']).toContain('no-store');

    // Tampered, re-targeted or expired URLs open nothing.
    expectProblem(await http().get(path.replace(/signature=[^&]+/, `signature=${'A'.repeat(43)}`)), 403);
    expectProblem(await http().get(path.replace(`tenant=${tenantA}`, `tenant=${tenantB}`)), 403);
    expectProblem(await http().get(path.replace(recordingId, 'call-other')), 403);
    clock.advance((t.config.RECORDING_URL_TTL_SECONDS + 1) * 1000);
    expectProblem(await http().get(path), 403);
    expectProblem(await http().get(`/v1/recordings/${recordingId}/file`), 400);

    // Tenant B can neither sign A's recording nor find A's call.
    expectProblem(
      await http().get(`/v1/calls/${call.id}/recordings/${recordingId}/url`).set(bearer(keyB)),
      404,
    );
    expectProblem(await http().get(`/v1/calls/${call.id}/recordings/other/url`).set(bearer(keyA)), 404);
  });
});
