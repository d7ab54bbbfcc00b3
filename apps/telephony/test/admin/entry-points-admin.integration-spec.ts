import { startAriSim, ScaledClock, type AriSim } from '@cc/ari-sim';
import { domainStreamName, parseAnyEnvelope, type EventEnvelope } from '@cc/contracts';
import { loadConfig, UNPROTECTED_TENANT_TABLES_SQL } from '@cc/platform';
import { freePort, randomSuffix, uniqueTenantId, waitFor, type TestDatabase } from '@cc/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { startTelephony } from '../../src/bootstrap';
import { TelephonyConfigSchema } from '../../src/config/telephony.config';
import { callIdForChannel } from '../../src/modules/calls/call-rules.util';
import { salesFlow } from '../fixtures/flows';
import { telephonyTestDatabase } from '../fixtures/telephony-db';
import { NATS_URL } from '../fixtures/telephony-harness';

const goodbyeFlow = { start: 'bye', steps: { bye: { type: 'hangup', prompt: ['sound:vm-goodbye'] } } };

describe('entry points in Postgres: DIDs, IVR flows and settings through the admin API', () => {
  let sim: AriSim;
  let app: NestExpressApplication;
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const tenantA = uniqueTenantId('tta');
  const tenantB = uniqueTenantId('ttb');
  const operatorTenantId = uniqueTenantId('tto');
  const prefix = `TTADM${randomSuffix().toUpperCase()}_`;
  const stream = domainStreamName('telephony', prefix);
  const did = `+1555${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;

  const as = (tenantId: string) => {
    const server = app.getHttpServer();
    return {
      get: (path: string) => request(server).get(path).set('x-tenant-id', tenantId),
      put: (path: string, body: object) => request(server).put(path).set('x-tenant-id', tenantId).send(body),
      delete: (path: string) => request(server).delete(path).set('x-tenant-id', tenantId),
    };
  };

  const facts = async (): Promise<EventEnvelope[]> => {
    const info = await jsm.streams.info(stream);
    const out: EventEnvelope[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
      if (msg) out.push(parseAnyEnvelope(JSON.parse(new TextDecoder().decode(msg.data)) as unknown));
    }
    return out;
  };

  beforeAll(async () => {
    db = await telephonyTestDatabase();
    sim = await startAriSim({ port: 0, host: '127.0.0.1', clock: new ScaledClock(10) });
    const config = loadConfig(TelephonyConfigSchema, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      GRPC_PORT: String(await freePort()),
      NATS_URL,
      DATABASE_URL: db.url,
      NATS_STREAM_PREFIX: prefix,
      ARI_URL: sim.ariUrl,
      ACD_GRPC_URL: '127.0.0.1:1',
      CRM_GRPC_URL: '127.0.0.1:1',
      OPERATOR_TENANT_ID: operatorTenantId,
    });
    app = await startTelephony(config, { tenants: [tenantA, tenantB, operatorTenantId] });
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await app?.close();
    await sim?.stop();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
    await db?.drop();
  });

  it('puts every tenant table behind row-level security', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns WHERE table_schema = 'telephony' AND column_name = 'tenant_id' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'call_record',
        'call_recording',
        'did',
        'ivr_flow',
        'ivr_flow_version',
        'tenant_settings',
      ]);
      const unprotected = await client.query(UNPROTECTED_TENANT_TABLES_SQL, ['telephony', 'tenant_id']);
      expect(unprotected.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('versions flows, refuses a bad one whole with the fields named, and a stale save with 409', async () => {
    const first = await as(tenantA).put('/v1/ivr-flows/sales', { name: 'Sales', definition: salesFlow });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ flowId: 'sales', version: 1, name: 'Sales' });

    const bad = await as(tenantA).put('/v1/ivr-flows/sales', {
      name: 'Sales',
      definition: { start: 'a', steps: { a: { type: 'play', media: ['sound:x'], next: 'ghost' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('body.definition.steps.a.next');
    const missingName = await as(tenantA).put('/v1/ivr-flows/sales', { definition: salesFlow });
    expect(missingName.status).toBe(400);
    expect(JSON.stringify(missingName.body)).toContain('body.name');
    // Nothing of the refused saves was applied.
    const current = await as(tenantA).get('/v1/ivr-flows/sales');
    expect(current.body).toMatchObject({ version: 1, definition: { start: 'welcome' } });
    expect((await as(tenantA).get('/v1/ivr-flows/sales?version=2')).status).toBe(404);

    const second = await as(tenantA).put('/v1/ivr-flows/sales', {
      name: 'Sales v2',
      definition: goodbyeFlow,
      expectedVersion: 1,
    });
    expect(second.body).toMatchObject({ version: 2, name: 'Sales v2' });
    const stale = await as(tenantA).put('/v1/ivr-flows/sales', {
      name: 'Sales',
      definition: salesFlow,
      expectedVersion: 1,
    });
    expect(stale.status).toBe(409);
    expect(JSON.stringify(stale.body)).toContain('body.expectedVersion');
    expect((await as(tenantA).get('/v1/ivr-flows/sales?version=1')).body).toMatchObject({
      version: 1,
      definition: { start: 'welcome' },
    });
    expect((await as(tenantA).get('/v1/ivr-flows')).body.items).toEqual([
      expect.objectContaining({ flowId: 'sales', version: 2 }),
    ]);
  });

  it('DIDs: claimed once across tenants, point at an existing flow of the owner, and stay invisible to others', async () => {
    await as(tenantA).put('/v1/ivr-flows/other', { name: 'Other', definition: goodbyeFlow });
    const unknownFlow = await as(tenantA).put(`/v1/dids/${did}`, { flowId: 'nope' });
    expect(unknownFlow.status).toBe(400);
    expect(JSON.stringify(unknownFlow.body)).toContain('body.flowId');
    expect((await as(tenantA).put('/v1/dids/12', { flowId: 'sales' })).status).toBe(400);

    const claimed = await as(tenantA).put(`/v1/dids/${did}`, { flowId: 'sales', label: 'main line' });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ did, flowId: 'sales', label: 'main line' });
    expect((await as(tenantA).put(`/v1/dids/${did}`, { flowId: 'other' })).status).toBe(200);
    expect((await as(tenantA).get(`/v1/dids/${did}`)).body).toMatchObject({ flowId: 'other' });

    // Tenant B: cannot see, take, repoint or delete A's number, nor read A's flows.
    await as(tenantB).put('/v1/ivr-flows/sales', { name: 'B sales', definition: goodbyeFlow });
    expect((await as(tenantB).get(`/v1/dids/${did}`)).status).toBe(404);
    expect((await as(tenantB).get('/v1/dids')).body.items).toEqual([]);
    const takeover = await as(tenantB).put(`/v1/dids/${did}`, { flowId: 'sales' });
    expect(takeover.status).toBe(409);
    expect(JSON.stringify(takeover.body)).not.toContain(tenantA);
    expect((await as(tenantB).delete(`/v1/dids/${did}`)).status).toBe(404);
    expect((await as(tenantB).get('/v1/ivr-flows/other')).status).toBe(404);
    expect((await as(tenantB).delete('/v1/ivr-flows/other')).status).toBe(404);
    expect((await as(tenantB).get('/v1/ivr-flows/sales')).body).toMatchObject({
      name: 'B sales',
      version: 1,
    });
    expect((await as(tenantA).get('/v1/ivr-flows/sales')).body).toMatchObject({
      name: 'Sales v2',
      version: 2,
    });
    expect((await as(tenantA).get(`/v1/dids/${did}`)).body).toMatchObject({ flowId: 'other' });

    // A flow still started by a DID cannot be deleted.
    const inUse = await as(tenantA).delete('/v1/ivr-flows/other');
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: 'telephony.flow_in_use' });
  });

  it('settings: defaults until saved, validated fields, per tenant', async () => {
    expect((await as(tenantB).get('/v1/telephony-settings')).body).toMatchObject({ timeZone: 'UTC' });
    const bad = await as(tenantA).put('/v1/telephony-settings', {
      timeZone: 'Mars/Olympus',
      holidays: ['2026-13-01'],
      safeHarbourPrompt: ['http://evil'],
    });
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    for (const field of ['body.timeZone', 'body.holidays.0', 'body.safeHarbourPrompt.0'])
      expect(text).toContain(field);
    const saved = await as(tenantA).put('/v1/telephony-settings', {
      timeZone: 'Europe/Zurich',
      holidays: ['2026-12-25'],
      recordCalls: true,
      consentPrompt: ['sound:this-call-may-be-recorded'],
      safeHarbourPrompt: ['sound:sorry-no-agents'],
      announceEverySeconds: 45,
    });
    expect(saved.status).toBe(200);
    expect((await as(tenantA).get('/v1/telephony-settings')).body).toMatchObject({
      timeZone: 'Europe/Zurich',
      recordCalls: true,
      announceEverySeconds: 45,
    });
    expect((await as(tenantB).get('/v1/telephony-settings')).body).toMatchObject({ timeZone: 'UTC' });
  });

  it('routes a call by its DID from Postgres, and a change of the DID applies to the next call', async () => {
    const placeCall = async (): Promise<string> => {
      const response = await fetch(`${sim.url}/sim/v1/inbound-calls`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ from: '+15550001111', to: did }),
      });
      expect(response.status).toBe(201);
      return callIdForChannel(((await response.json()) as { channelId: string }).channelId);
    };
    const ivrCompleted = (callId: string) =>
      waitFor(
        `ivr.completed of ${callId}`,
        async () =>
          (await facts()).find(
            (f) =>
              f.type === 'telephony.ivr.completed' && (f.payload as { callId: string }).callId === callId,
          ),
        15_000,
      );

    const first = await ivrCompleted(await placeCall());
    expect(first.tenantId).toBe(tenantA);
    expect(first.payload).toMatchObject({ flowId: 'other', outcome: 'hangup' });

    await as(tenantA).put(`/v1/dids/${did}`, { flowId: 'sales' });
    const second = await ivrCompleted(await placeCall());
    expect(second.payload).toMatchObject({ flowId: 'sales', path: ['bye'] });

    expect((await as(tenantA).delete(`/v1/dids/${did}`)).status).toBe(204);
    const third = await placeCall();
    const rejected = await waitFor(
      'call.rejected',
      async () =>
        (await facts()).find(
          (f) => f.type === 'telephony.call.rejected' && (f.payload as { callId: string }).callId === third,
        ),
      15_000,
    );
    expect(rejected.tenantId).toBe(operatorTenantId);
  });
});
