import { AcdV1, TelephonyV1 } from '@cc/contracts';
import { applyMigrations, loadConfig } from '@cc/platform';
import { createTestDatabase, freePort, hashDirectories, type TestDatabase } from '@cc/testing';
// The crm sources (not dist): jest compiles them like crm's own tests (Prisma's dist loads WASM by dynamic import).
import { startCrm } from '@cc/crm/src/bootstrap';
import { CrmConfigSchema } from '@cc/crm/src/config/crm.config';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { dirname, join } from 'node:path';

/** The real crm service (its own migrated database, gRPC on a free port), for do-not-call at dial time. */
export async function startRealCrm(): Promise<{
  app: NestExpressApplication;
  grpcAddress: string;
  close(): Promise<void>;
}> {
  const migrations = join(dirname(require.resolve('@cc/crm/package.json')), 'prisma/migrations');
  const db: TestDatabase = await createTestDatabase({
    label: 'crm',
    templateKey: hashDirectories(migrations),
    migrate: async (url) => {
      await applyMigrations({ url, schema: 'crm', migrationsDir: migrations });
    },
  });
  const grpcPort = await freePort();
  const config = loadConfig(CrmConfigSchema, {
    SERVICE_NAME: 'crm',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.CRM_LOG_LEVEL ?? 'silent',
    PORT: '0',
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    CRM_CONSUME_CALL_FACTS: 'false',
  });
  const app = await startCrm(config);
  return {
    app,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

function tenantOf(call: ServerUnaryCall<unknown, unknown>): string {
  return String(call.metadata.get('x-tenant-id')[0] ?? '');
}

/**
 * A stand-in for acd at the gRPC boundary: GetQueueStats answers the agents by state that the test
 * sets per tenant and queue (every other RPC is UNIMPLEMENTED).
 */
export class FakeAcd {
  readonly agents = new Map<string, { available: number; onCall: number }>();
  private readonly server = new Server();
  address = '';

  set(tenantId: string, queueId: string, available: number, onCall = 0): void {
    this.agents.set(`${tenantId}/${queueId}`, { available, onCall });
  }

  async start(): Promise<void> {
    this.server.addService(AcdV1.AcdServiceService, {
      getQueueStats: (
        call: ServerUnaryCall<AcdV1.GetQueueStatsRequest, AcdV1.GetQueueStatsResponse>,
        callback: sendUnaryData<AcdV1.GetQueueStatsResponse>,
      ) => {
        const tenantId = tenantOf(call);
        callback(null, {
          queues: call.request.queueIds.map((queueId) => {
            const a = this.agents.get(`${tenantId}/${queueId}`) ?? { available: 0, onCall: 0 };
            const stats: AcdV1.QueueStats = {
              queueId,
              window: call.request.window,
              waitingCalls: 0,
              longestWaitSeconds: 0,
              offered: 0,
              answered: 0,
              abandoned: 0,
              serviceLevel: 0,
              serviceLevelThresholdSeconds: 0,
              serviceLevelExcludingShortAbandons: 0,
              asaSeconds: 0,
              ahtSeconds: 0,
              abandonmentRate: 0,
              occupancy: 0,
              agentsByState: [
                { state: AcdV1.AgentState.AGENT_STATE_AVAILABLE, count: a.available },
                { state: AcdV1.AgentState.AGENT_STATE_ON_CALL, count: a.onCall },
              ],
              computedAt: undefined,
            };
            return stats;
          }),
        });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** A stand-in for telephony at the gRPC boundary: OriginateCall records what it was asked to dial. */
export class FakeTelephony {
  readonly originated: { tenantId: string; request: TelephonyV1.OriginateCallRequest; callId: string }[] = [];
  private readonly server = new Server();
  address = '';
  failNext = false;

  async start(): Promise<void> {
    this.server.addService(TelephonyV1.TelephonyServiceService, {
      originateCall: (
        call: ServerUnaryCall<TelephonyV1.OriginateCallRequest, TelephonyV1.OriginateCallResponse>,
        callback: sendUnaryData<TelephonyV1.OriginateCallResponse>,
      ) => {
        if (this.failNext) {
          this.failNext = false;
          callback({ code: 14, details: 'trunk down', name: 'Error', message: 'trunk down' }, null);
          return;
        }
        const callId = `call_${this.originated.length + 1}`;
        this.originated.push({
          tenantId: tenantOf(call),
          request: call.request,
          callId,
        });
        callback(null, { callId, state: TelephonyV1.CallState.CALL_STATE_DIALING, alreadyOriginated: false });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
