import { startAriSim, ScaledClock, type AriSim } from '@cc/ari-sim';
import {
  CallEnded,
  CommonV1,
  createEnvelope,
  domainStreamName,
  RecordingReady,
  subjectOf,
  TelephonyV1,
  type EventDefinition,
  type PayloadOf,
} from '@cc/contracts';
import { AppError, createGrpcClient, ErrorKind, loadConfig, type GrpcClient } from '@cc/platform';
import { freePort, randomSuffix, uniqueTenantId, waitFor, type TestDatabase } from '@cc/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTelephony } from '../../src/bootstrap';
import { TelephonyConfigSchema } from '../../src/config/telephony.config';
import { telephonyTestDatabase } from '../fixtures/telephony-db';
import { NATS_URL } from '../fixtures/telephony-harness';

describe('call history and recordings index (from the call facts), ListCalls/GetCallRecord, recording files', () => {
  let sim: AriSim;
  let app: NestExpressApplication;
  let db: TestDatabase;
  let nc: NatsConnection;
  let client: GrpcClient<typeof TelephonyV1.TelephonyServiceService>;
  const tenantA = uniqueTenantId('tha');
  const tenantB = uniqueTenantId('thb');
  const prefix = `TTHIST${randomSuffix().toUpperCase()}_`;
  const recordingName = `call-rec-${randomSuffix()}`;

  async function publish<D extends EventDefinition>(
    def: D,
    tenantId: string,
    payload: PayloadOf<D>,
  ): Promise<string> {
    const envelope = createEnvelope(def, tenantId, payload);
    await jetstream(nc).publish(subjectOf(def, tenantId), JSON.stringify(envelope), { msgID: envelope.id });
    return envelope.id;
  }

  function ended(callId: string, startedAt: string, extra: Partial<PayloadOf<typeof CallEnded>> = {}) {
    return {
      callId,
      direction: 'inbound' as const,
      from: '+15550001111',
      to: '+15551000',
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
      waitMs: 5_000,
      talkMs: 50_000,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      hangupBy: 'caller' as const,
      ...extra,
    };
  }

  beforeAll(async () => {
    db = await telephonyTestDatabase();
    sim = await startAriSim({ port: 0, host: '127.0.0.1', clock: new ScaledClock(10) });
    const grpcPort = await freePort();
    app = await startTelephony(
      loadConfig(TelephonyConfigSchema, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PORT: '0',
        GRPC_PORT: String(grpcPort),
        NATS_URL,
        DATABASE_URL: db.url,
        NATS_STREAM_PREFIX: prefix,
        ARI_URL: sim.ariUrl,
        ACD_GRPC_URL: '127.0.0.1:1',
        CRM_GRPC_URL: '127.0.0.1:1',
      }),
      { tenants: [tenantA, tenantB], grpcHost: '127.0.0.1' },
    );
    client = createGrpcClient(TelephonyV1.TelephonyServiceService, {
      address: `127.0.0.1:${grpcPort}`,
      defaultDeadlineMs: 5_000,
    });
    nc = await connect({ servers: NATS_URL });

    // A stored recording on the (simulated) Asterisk: a bridge recorded for a moment.
    const ari = (path: string, method = 'POST') =>
      fetch(`${sim.ariUrl}${path}`, {
        method,
        headers: { Authorization: `Basic ${Buffer.from('asterisk:asterisk').toString('base64')}` },
      });
    const bridge = (await (await ari('/bridges?type=mixing')).json()) as { id: string };
    expect((await ari(`/bridges/${bridge.id}/record?name=${recordingName}&format=wav`)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await ari(`/recordings/live/${recordingName}/stop`)).status).toBe(204);

    await publish(
      CallEnded,
      tenantA,
      ended('a-1', '2026-11-20T10:00:00.000Z', { queueId: 'support', agentId: 'ag-1' }),
    );
    await publish(
      CallEnded,
      tenantA,
      ended('a-2', '2026-11-21T10:00:00.000Z', {
        recordingId: recordingName,
        direction: 'outbound',
        to: '+15557770000',
      }),
    );
    await publish(RecordingReady, tenantA, {
      recordingId: recordingName,
      callId: 'a-2',
      durationMs: 1_000,
      format: 'wav',
      consentPlayed: true,
    });
    await publish(CallEnded, tenantA, ended('a-3', '2026-11-22T10:00:00.000Z', { queueId: 'support' }));
    await publish(CallEnded, tenantB, ended('b-1', '2026-11-22T11:00:00.000Z'));
    await waitFor('the history to hold the facts', async () => {
      const res = await client.listCalls(
        {
          direction: 0,
          queueId: '',
          agentId: '',
          customerId: '',
          campaignId: '',
          number: '',
          recordedOnly: false,
        },
        { tenantId: tenantA },
      );
      return res.calls.length === 3 && res.calls.some((c) => c.recordings.length === 1);
    });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await app?.close();
    await sim?.stop();
    const jsm = await jetstreamManager(nc);
    for (const name of [domainStreamName('telephony', prefix), `${prefix}CC_DLQ`])
      await jsm.streams.delete(name).catch(() => undefined);
    await nc?.close();
    await db?.drop();
  });

  const all = {
    direction: 0,
    queueId: '',
    agentId: '',
    customerId: '',
    campaignId: '',
    number: '',
    recordedOnly: false,
  };

  it('lists the tenant’s calls newest first, page by page, and only its own', async () => {
    const first = await client.listCalls(
      { ...all, page: { pageSize: 2, cursor: '' } },
      { tenantId: tenantA },
    );
    expect(first.calls.map((c) => c.callId)).toEqual(['a-3', 'a-2']);
    const second = await client.listCalls(
      { ...all, page: { pageSize: 2, cursor: first.page?.nextCursor ?? '' } },
      { tenantId: tenantA },
    );
    expect(second.calls.map((c) => c.callId)).toEqual(['a-1']);
    expect(second.page?.nextCursor).toBe('');
    const b = await client.listCalls(all, { tenantId: tenantB });
    expect(b.calls.map((c) => c.callId)).toEqual(['b-1']);
  });

  it('filters by queue, direction, number, time and recordings', async () => {
    const ids = async (filter: Partial<TelephonyV1.ListCallsRequest>) =>
      (await client.listCalls({ ...all, ...filter }, { tenantId: tenantA })).calls.map((c) => c.callId);
    expect(await ids({ queueId: 'support' })).toEqual(['a-3', 'a-1']);
    expect(await ids({ direction: CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND })).toEqual(['a-2']);
    expect(await ids({ number: '+15557770000' })).toEqual(['a-2']);
    expect(await ids({ recordedOnly: true })).toEqual(['a-2']);
    expect(
      await ids({
        startedFrom: { seconds: Date.parse('2026-11-21T00:00:00Z') / 1000, nanos: 0 },
        startedBefore: { seconds: Date.parse('2026-11-22T00:00:00Z') / 1000, nanos: 0 },
      }),
    ).toEqual(['a-2']);
    const bad = await client
      .listCalls({ ...all, number: '12' }, { tenantId: tenantA })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).kind).toBe(ErrorKind.InvalidArgument);
  });

  it('gets one ended call with its recording; another tenant’s is not found', async () => {
    const { call } = await client.getCallRecord({ callId: 'a-2' }, { tenantId: tenantA });
    expect(call).toMatchObject({
      callId: 'a-2',
      toNumber: '+15557770000',
      talkMs: 50_000,
      hangupSide: TelephonyV1.HangupSide.HANGUP_SIDE_CUSTOMER,
      recordings: [{ recordingId: recordingName, durationMs: 1_000, format: 'wav', consentPlayed: true }],
    });
    const missing = await client
      .getCallRecord({ callId: 'b-1' }, { tenantId: tenantA })
      .catch((e: unknown) => e);
    expect((missing as AppError).kind).toBe(ErrorKind.NotFound);
  });

  it('streams a recording’s file from the Asterisk store to its tenant only', async () => {
    const file = await request(app.getHttpServer())
      .get(`/v1/recordings/${recordingName}/file`)
      .set('x-tenant-id', tenantA)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = file.body as Buffer;
    expect(body.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(body.length).toBeGreaterThan(44);
    await request(app.getHttpServer())
      .get(`/v1/recordings/${recordingName}/file`)
      .set('x-tenant-id', tenantB)
      .expect(404);
  });
});
