import { existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { NATS_SERVER_BIN, PrivateNatsServer } from './private-nats-server';

/**
 * Where the tests' Postgres and NATS come from. In order: the URLs in DATABASE_URL / NATS_URL; else
 * containers started with Testcontainers when a Docker engine answers; else, for NATS, a private
 * nats-server of this test run when the binary is installed (so streams a demo left on the shared
 * server, whose subjects would overlap the tests' streams, cannot interfere); else the services on
 * 127.0.0.1 at the standard ports (our development machines run them). Fails with a clear message
 * when none works.
 */
export interface Infrastructure {
  databaseUrl: string;
  natsUrl: string;
  source: { postgres: 'env' | 'container' | 'local'; nats: 'env' | 'container' | 'private' | 'local' };
  stop(): Promise<void>;
}

const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';
const LOCAL_NATS = 'nats://127.0.0.1:4222';

export async function resolveInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = env.DATABASE_URL;
  let natsUrl = env.NATS_URL;
  const source: Infrastructure['source'] = { postgres: 'env', nats: 'env' };

  if ((!databaseUrl || !natsUrl) && env.CC_TEST_NO_CONTAINERS !== '1' && (await dockerAnswers())) {
    const { GenericContainer, Wait } = await import('testcontainers');
    if (!databaseUrl) {
      const pg = await new GenericContainer('postgres:15-alpine')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      databaseUrl = `postgresql://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;
      source.postgres = 'container';
      stops.push(async () => void (await pg.stop()));
    }
    if (!natsUrl) {
      const nats = await new GenericContainer('nats:2.10-alpine')
        .withCommand(['-js'])
        .withExposedPorts(4222)
        .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
        .start();
      natsUrl = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
      source.nats = 'container';
      stops.push(async () => void (await nats.stop()));
    }
  }
  if (!databaseUrl) {
    databaseUrl = LOCAL_POSTGRES;
    source.postgres = 'local';
  }
  if (!natsUrl && env.CC_TEST_SHARED_NATS !== '1' && existsSync(NATS_SERVER_BIN)) {
    const nats = await PrivateNatsServer.start();
    natsUrl = nats.url;
    source.nats = 'private';
    stops.push(() => nats.dispose());
  }
  if (!natsUrl) {
    natsUrl = LOCAL_NATS;
    source.nats = 'local';
  }
  await assertReachable('Postgres', databaseUrl, 5432);
  await assertReachable('NATS', natsUrl.split(',')[0] ?? natsUrl, 4222);
  return {
    databaseUrl,
    natsUrl,
    source,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** Probes for a container engine; any failure means "no Docker here" (Testcontainers 11 API). */
async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function assertReachable(what: string, url: string, defaultPort: number): Promise<void> {
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || defaultPort);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = netConnect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!ok) {
    throw new Error(
      `${what} is not reachable at ${host}:${port}. Start the local services with \`npm run services\` ` +
        `(or set ${what === 'NATS' ? 'NATS_URL' : 'DATABASE_URL'}); with a Docker engine the tests start containers themselves.`,
    );
  }
}
