import { startAriSim, ScaledClock, type AriSim } from '@cc/ari-sim';
import { loadConfig } from '@cc/platform';
import { freePort, randomSuffix, uniqueTenantId } from '@cc/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { domainStreamName } from '@cc/contracts';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startTelephony } from '../../src/bootstrap';
import { TelephonyConfigSchema } from '../../src/config/telephony.config';
import { AriConnection, AriConnectError } from '../../src/modules/ari/ari-connection';
import { salesFlow } from '../fixtures/flows';
import { NATS_URL } from '../fixtures/telephony-harness';
import { telephonyTestDatabase } from '../fixtures/telephony-db';
import type { TestDatabase } from '@cc/testing';

describe('the telephony service', () => {
  let sim: AriSim;
  let app: NestExpressApplication;
  let db: TestDatabase;
  const tenantId = uniqueTenantId('ttsvc');
  const operatorTenantId = uniqueTenantId('ttop');
  const prefix = `TTSVC${randomSuffix().toUpperCase()}_`;

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
    app = await startTelephony(config, { tenants: [tenantId, operatorTenantId] });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.stop();
    await db?.drop();
    const nc = await connect({ servers: NATS_URL });
    await (
      await jetstreamManager(nc)
    ).streams
      .delete(domainStreamName('telephony', prefix))
      .catch(() => undefined);
    await nc.close();
  });

  it('is ready once ARI and NATS are', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready');
    expect(response.status).toBe(200);
  });

  it('validates IVR flows at the edge: 200 with the normalized flow, 400 naming every broken rule, 401 without tenant', async () => {
    const server = app.getHttpServer();
    const ok = await request(server)
      .post('/v1/ivr-flows/validate')
      .set('x-tenant-id', tenantId)
      .send(salesFlow);
    expect(ok.status).toBe(200);
    const bad = await request(server)
      .post('/v1/ivr-flows/validate')
      .set('x-tenant-id', tenantId)
      .send({ start: 'a', steps: { a: { type: 'play', media: ['sound:x'], next: 'ghost' } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('steps.a.next');
    const malformed = await request(server)
      .post('/v1/ivr-flows/validate')
      .set('x-tenant-id', tenantId)
      .set('Content-Type', 'application/json')
      .send('{oops');
    expect(malformed.status).toBe(400);
    expect((await request(server).post('/v1/ivr-flows/validate').send(salesFlow)).status).toBe(401);
  });

  it('a wrong ARI password is a clear start-up error, not an uncaught exception', async () => {
    const connection = new AriConnection(
      { baseUrl: sim.ariUrl, username: 'asterisk', password: 'wrong', app: 'other-app' },
      { onConnected: () => undefined, onEvent: () => undefined },
    );
    await expect(connection.start()).rejects.toBeInstanceOf(AriConnectError);
    await connection.stop();
  });
});
