import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { AcdV1, domainStreamName } from '@cc/contracts';
import {
  AppError,
  applyMigrations,
  createGrpcClient,
  type GrpcClient,
  NatsConnectionService,
} from '@cc/platform';
import { createTestDatabase, freePort, hashDirectories, type TestDatabase } from '@cc/testing';
import { AcdConfigSchema } from '../src/config';
import { startAcd } from '../src/bootstrap';
import { RouterHost } from '../src/modules/service/router-host.service';

export const MIGRATIONS_DIR = join(__dirname, '..', 'prisma', 'migrations');
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export type AcdClient = GrpcClient<typeof AcdV1.AcdServiceService>;

export function acdTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    label: 'acd',
    templateKey: hashDirectories(MIGRATIONS_DIR),
    migrate: (url) =>
      applyMigrations({ url, schema: 'acd', migrationsDir: MIGRATIONS_DIR }).then(() => undefined),
  });
}

export interface AcdInstance {
  readonly app: INestApplication;
  readonly grpcAddress: string;
  readonly host: RouterHost;
  readonly nats: NatsConnectionService;
  readonly client: AcdClient;
  /** Graceful stop (releases the lease). */
  stop(): Promise<void>;
  /** Abrupt death: the NATS connection closes without draining (no lease release, writes in flight lost), then the process' servers go. */
  kill(): Promise<void>;
}

export interface AcdInstanceOptions {
  databaseUrl: string;
  bucket: string;
  streamPrefix: string;
  tenants: string[];
  replicaId?: string;
  leaseTtlMs?: number;
  leaseRenewMs?: number;
  /** Further settings (names of AcdConfigSchema). */
  settings?: Record<string, string>;
}

/** One whole acd service in this process, on free ports. */
export async function startAcdInstance(options: AcdInstanceOptions): Promise<AcdInstance> {
  const grpcPort = await freePort();
  const config = AcdConfigSchema.parse({
    SERVICE_NAME: 'acd',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.ACD_TEST_LOG_LEVEL ?? 'warn',
    PORT: String(await freePort()),
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: options.databaseUrl,
    NATS_URL,
    NATS_STREAM_PREFIX: options.streamPrefix,
    ACD_KV_BUCKET: options.bucket,
    ACD_LEASE_TTL_MS: String(options.leaseTtlMs ?? 2_000),
    ACD_LEASE_RENEW_MS: String(options.leaseRenewMs ?? 300),
    ...(options.replicaId ? { ACD_REPLICA_ID: options.replicaId } : {}),
    ...options.settings,
  });
  const app = await startAcd(config, { tenants: options.tenants, grpcHost: '127.0.0.1' });
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const client = createGrpcClient(AcdV1.AcdServiceService, {
    address: grpcAddress,
    defaultDeadlineMs: 10_000,
  });
  const nats = app.get(NatsConnectionService);
  let closed = false;
  return {
    app,
    grpcAddress,
    host: app.get(RouterHost),
    nats,
    client,
    stop: async () => {
      if (closed) return;
      closed = true;
      client.close();
      await app.close();
    },
    kill: async () => {
      if (closed) return;
      closed = true;
      client.close();
      await app.get(RouterHost).closeConnectionAbruptly();
      await nats.connection.close();
      await app.close().catch(() => undefined);
    },
  };
}

/** Deletes the suite's stream and KV bucket. */
export async function deleteNatsResources(streamPrefix: string, bucket: string): Promise<void> {
  const nc: NatsConnection = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of [domainStreamName('acd', streamPrefix), `KV_${bucket}`]) {
      await jsm.streams.delete(name).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}

/** The AppError a promise rejects with (fails the test when it resolves). */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function enqueueRequest(
  callId: string,
  queueId: string,
  overrides: Partial<AcdV1.EnqueueCallRequest> = {},
): AcdV1.EnqueueCallRequest {
  return {
    callId,
    queueId,
    requiredSkills: [],
    priority: 0,
    valueTier: 0,
    customerId: '',
    language: '',
    telephonyNodeId: 'node-1',
    direction: 1,
    campaignId: '',
    ...overrides,
  };
}

export function queueMessage(queueId: string, overrides: Partial<AcdV1.Queue> = {}): AcdV1.Queue {
  return {
    queueId,
    name: queueId,
    requiredSkills: [],
    membersOnly: false,
    priority: 0,
    serviceLevelTarget: 0.8,
    serviceLevelThresholdSeconds: 20,
    ringTimeoutSeconds: 30,
    wrapUpSeconds: 0,
    maxWaitSeconds: 0,
    overflow: [],
    agentSelection: 1,
    openingHours: [],
    ...overrides,
  };
}

/** Collects a server stream in the background until `stop()`. */
export function watch(
  client: AcdClient,
  nodeId: string,
): { events: AcdV1.WatchAssignmentsResponse[]; stop: () => void; ended: Promise<unknown> } {
  const controller = new AbortController();
  const events: AcdV1.WatchAssignmentsResponse[] = [];
  const ended = (async () => {
    try {
      for await (const event of client.watchAssignments(
        { telephonyNodeId: nodeId },
        { signal: controller.signal, deadlineMs: 600_000 },
      ))
        events.push(event);
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  return { events, stop: () => controller.abort(), ended };
}
