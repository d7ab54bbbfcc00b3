import { Client } from 'pg';
import { randomSuffix } from '../src/ids';
import { resolveInfrastructure } from '../src/infrastructure';
import { createTestDatabase } from '../src/test-database';

async function scalar<T>(url: string, sql: string): Promise<T | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(sql);
    return (r.rows[0] as Record<string, T> | undefined)?.v;
  } finally {
    await client.end();
  }
}

describe('resolveInfrastructure', () => {
  it('uses the URLs from the environment when given', async () => {
    const infra = await resolveInfrastructure({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      NATS_URL: 'nats://127.0.0.1:4222',
    });
    expect(infra.source).toEqual({ postgres: 'env', nats: 'env' });
  });

  it('falls back to the local services when no Docker engine is wanted or found', async () => {
    const infra = await resolveInfrastructure({ CC_TEST_NO_CONTAINERS: '1', CC_TEST_SHARED_NATS: '1' });
    expect(infra.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/postgres');
    expect(infra.source).toEqual({ postgres: 'local', nats: 'local' });
  });

  it('starts a private nats-server for the test run when it can, and stops it afterwards', async () => {
    const infra = await resolveInfrastructure({ CC_TEST_NO_CONTAINERS: '1' });
    expect(infra.source.nats).toBe('private');
    expect(infra.natsUrl).not.toBe('nats://127.0.0.1:4222');
    const port = Number(new URL(infra.natsUrl).port);
    await infra.stop();
    const { connect } = await import('node:net');
    const stillUp = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(stillUp).toBe(false);
  });

  it('fails with a message that says what to do when a service is unreachable', async () => {
    await expect(
      resolveInfrastructure({
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/postgres',
        NATS_URL: 'nats://127.0.0.1:4222',
      }),
    ).rejects.toThrow(/Postgres is not reachable at 127.0.0.1:1.*npm run services/);
  });
});

describe('createTestDatabase', () => {
  it('migrates a template once and gives each suite its own copy', async () => {
    const key = randomSuffix(6);
    let migrations = 0;
    const migrate = async (url: string) => {
      migrations += 1;
      await scalar(url, 'CREATE TABLE marker (v int)');
      await scalar(url, 'INSERT INTO marker VALUES (7)');
    };
    const [a, b] = await Promise.all([
      createTestDatabase({ label: 'kit_selftest', templateKey: key, migrate }),
      createTestDatabase({ label: 'kit_selftest', templateKey: key, migrate }),
    ]);
    try {
      expect(migrations).toBe(1);
      expect(a.name).not.toBe(b.name);
      expect(await scalar<number>(a.url, 'SELECT v FROM marker')).toBe(7);
      await scalar(a.url, 'UPDATE marker SET v = 8');
      expect(await scalar<number>(b.url, 'SELECT v FROM marker')).toBe(7);
    } finally {
      await a.drop();
      await b.drop();
    }
    const admin = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    expect(
      await scalar(admin, `SELECT count(*)::int AS v FROM pg_database WHERE datname = '${a.name}'`),
    ).toBe(0);
  });
});
