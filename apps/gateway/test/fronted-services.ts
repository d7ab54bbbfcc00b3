import { startAriSim, ScaledClock, type AriSim } from '@cc/ari-sim';
import { createEnvelope, subjectOf, type EventDefinition, type PayloadOf } from '@cc/contracts';
import { loadConfig, NatsConnectionService } from '@cc/platform';
import { Client } from 'pg';
import { freePort, randomSuffix, uniqueName, waitFor, type TestDatabase } from '@cc/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  acdTestDatabase,
  deleteNatsResources,
  startAcdInstance,
  type AcdInstance,
} from '../../acd/test/acd-test.util';
import { startCrmTestApp, type CrmTestApp } from '../../crm/test/crm-test-app';
import { startTelephony } from '../../telephony/src/bootstrap';
import { TelephonyConfigSchema } from '../../telephony/src/config/telephony.config';
import { telephonyTestDatabase } from '../../telephony/test/fixtures/telephony-db';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** The real services the tenant API fronts, in this process on free ports, each over its own database. */
export interface FrontedServices {
  acd: AcdInstance;
  crm: CrmTestApp;
  telephony: NestExpressApplication;
  ariSim: AriSim;
  /** The gateway's settings that point at them. */
  env: Record<string, string>;
  /** Publishes a fact on telephony's stream, as telephony would (e.g. a call.ended for the history). */
  publishTelephonyFact<D extends EventDefinition>(
    def: D,
    tenantId: string,
    payload: PayloadOf<D>,
  ): Promise<void>;
  /** SQL as the owner of telephony's database (bypasses RLS): for assertions only. */
  telephonyQuery<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startFrontedServices(tenants: string[]): Promise<FrontedServices> {
  const acdDb = await acdTestDatabase();
  const prefix = uniqueName('gwacd');
  const bucket = uniqueName('gwacd');
  const acd = await startAcdInstance({ databaseUrl: acdDb.url, bucket, streamPrefix: prefix, tenants });
  await waitFor('acd to route', () => acd.host.isRouter);
  const crm = await startCrmTestApp();
  const telephonyDb: TestDatabase = await telephonyTestDatabase();
  const ariSim = await startAriSim({ port: 0, host: '127.0.0.1', clock: new ScaledClock(10) });
  const telephonyGrpcPort = await freePort();
  const telephonyPrefix = `GWTEL${randomSuffix().toUpperCase()}_`;
  const telephony = await startTelephony(
    loadConfig(TelephonyConfigSchema, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      GRPC_PORT: String(telephonyGrpcPort),
      NATS_URL,
      DATABASE_URL: telephonyDb.url,
      NATS_STREAM_PREFIX: telephonyPrefix,
      ARI_URL: ariSim.ariUrl,
      ACD_GRPC_URL: acd.grpcAddress,
      CRM_GRPC_URL: crm.grpcAddress,
    }),
    { tenants, grpcHost: '127.0.0.1' },
  );
  return {
    acd,
    crm,
    telephony,
    ariSim,
    env: {
      ACD_GRPC_URL: acd.grpcAddress,
      CRM_GRPC_URL: crm.grpcAddress,
      TELEPHONY_GRPC_URL: `127.0.0.1:${telephonyGrpcPort}`,
      CRM_URL: await crm.app.getUrl(),
      TELEPHONY_URL: await telephony.getUrl(),
    },
    publishTelephonyFact: async (def, tenantId, payload) => {
      const envelope = createEnvelope(def, tenantId, payload);
      await telephony
        .get(NatsConnectionService)
        .jetstream.publish(subjectOf(def, tenantId), JSON.stringify(envelope), { msgID: envelope.id });
    },
    telephonyQuery: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
      const client = new Client({ connectionString: telephonyDb.url });
      await client.connect();
      try {
        await client.query('SET search_path TO telephony, public');
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await telephony.close();
      await ariSim.stop();
      await telephonyDb.drop();
      await crm.close();
      await acd.stop();
      await deleteNatsResources(prefix, bucket);
      await acdDb.drop();
    },
  };
}
