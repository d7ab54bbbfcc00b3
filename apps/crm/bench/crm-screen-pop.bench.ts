/**
 * Screen-pop latency over gRPC against a seeded crm: `npx tsx bench/crm-screen-pop.bench.ts`.
 *
 * Seeds CRM_BENCH_CUSTOMERS customers (default 100,000) for one tenant among several (plus 20% of
 * them with 5 interactions and 10% with an open lead), starts the whole crm service in-process on
 * 127.0.0.1, and measures: sequential ScreenPop latency (p50/p99, 10% unknown callers, numbers in
 * national and international forms), ScreenPop throughput with 16 calls in flight, one
 * CheckDoNotCall of 10,000 numbers, and a CSV import of CRM_BENCH_IMPORT_ROWS rows (default 20,000)
 * over HTTP. Bounded loops; everything it creates (one database) is dropped at the end. Prints one
 * JSON line last.
 *
 * It builds crm and runs the compiled service (dist/): tsx's esbuild does not emit the decorator
 * metadata Nest's dependency injection reads, so the service cannot run from sources under tsx.
 */
import { CrmV1 } from '@cc/contracts';
import { applyMigrations, loadConfig, TenantContext, createGrpcClient } from '@cc/platform';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { CRM_SCHEMA, CrmConfigSchema } from '../src/config/crm.config';

const CUSTOMERS = Number(process.env.CRM_BENCH_CUSTOMERS ?? 100_000);
const OTHER_TENANTS = 3;
const OTHER_CUSTOMERS = Math.min(20_000, Math.ceil(CUSTOMERS / 5));
const SEQUENTIAL_LOOKUPS = 3_000;
const CONCURRENT_LOOKUPS = 6_000;
const CONCURRENCY = 16;
const DNC_BATCH = 10_000;
const IMPORT_ROWS = Number(process.env.CRM_BENCH_IMPORT_ROWS ?? 20_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** Bench customer i's number: German, Berlin, 8 digits after the area code. */
const e164Of = (i: number) => `+4930${20_000_000 + i}`;
const nationalOf = (i: number) => `030 ${20_000_000 + i}`;

async function seed(url: string, tenantId: string, count: number, withHistory: boolean): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`SET search_path TO ${CRM_SCHEMA}`);
    const p = tenantId.replace(/[^a-z0-9]/g, '');
    await db.query(
      `INSERT INTO tenant_settings (tenant_id, default_country, currency) VALUES ($1, 'DE', 'EUR')`,
      [tenantId],
    );
    await db.query(
      `INSERT INTO customer (id, tenant_id, first_name, last_name, display_name, search_name, search_name_reversed,
                             emails, tags, lifetime_value_minor, value_tier)
       SELECT 'cus_${p}_' || i, $1, 'First' || i, 'Last' || i, 'First' || i || ' Last' || i,
              'first' || i || ' last' || i, 'last' || i || ' first' || i,
              ARRAY['c' || i || '@example.com'], ARRAY['bench'], (i::bigint * 7919) % 100000, 1 + i % 4
       FROM generate_series(1, $2::int) AS i`,
      [tenantId, count],
    );
    await db.query(
      `INSERT INTO phone_number (id, tenant_id, customer_id, e164, raw)
       SELECT 'ph_${p}_' || i, $1, 'cus_${p}_' || i, '+4930' || (20000000 + i), '030 ' || (20000000 + i)
       FROM generate_series(1, $2::int) AS i`,
      [tenantId, count],
    );
    if (withHistory) {
      await db.query(
        `INSERT INTO interaction (id, tenant_id, event_id, customer_id, phone_e164, channel, direction, queue_id,
                                  agent_id, talk_ms, disposition, occurred_at)
         SELECT 'int_${p}_' || i || '_' || k, $1, 'ev_${p}_' || i || '_' || k, 'cus_${p}_' || i,
                '+4930' || (20000000 + i), 'call', 'inbound', 'sales', 'agent-' || (i % 50), 60000 * k, 'resolved',
                now() - make_interval(days => k)
         FROM generate_series(1, $2::int, 5) AS i, generate_series(1, 5) AS k`,
        [tenantId, count],
      );
      await db.query(
        `INSERT INTO lead (id, tenant_id, customer_id, source, product, score, status)
         SELECT 'lead_${p}_' || i, $1, 'cus_${p}_' || i, 'web', 'Fibre', i % 101, 'qualified'
         FROM generate_series(1, $2::int, 10) AS i`,
        [tenantId, count],
      );
      await db.query(
        `INSERT INTO dnc_entry (id, tenant_id, e164, reason, source)
         SELECT 'dnc_${p}_' || i, $1, '+4930' || (20000000 + i), 'opt-out', 'bench'
         FROM generate_series(1, $2::int, 3) AS i`,
        [tenantId, count],
      );
    }
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}

function postCsv(port: number, tenantId: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/customers/import',
        headers: {
          'content-type': 'text/csv',
          'x-tenant-id': tenantId,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface CompiledCrm {
  startCrm: (typeof import('../src/bootstrap'))['startCrm'];
  ScreenPopService: (typeof import('../src/modules/screen-pop/screen-pop.service'))['ScreenPopService'];
}

/** Builds crm (tsc) and loads the compiled service. */
async function loadCompiledCrm(): Promise<CompiledCrm> {
  const root = join(__dirname, '..');
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('building crm failed');
  const { startCrm } = (await import(join(root, 'dist/bootstrap.js'))) as typeof import('../src/bootstrap');
  const { ScreenPopService } = (await import(
    join(root, 'dist/modules/screen-pop/screen-pop.service.js')
  )) as typeof import('../src/modules/screen-pop/screen-pop.service');
  return { startCrm, ScreenPopService };
}

async function main(): Promise<void> {
  const { startCrm, ScreenPopService } = await loadCompiledCrm();
  const suffix = randomBytes(4).toString('hex');
  const database = `cc_bench_crm_${suffix}`;
  const url = withDatabase(BASE_URL, database);
  const admin = new Client({ connectionString: withDatabase(BASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const tenantId = `bench_${suffix}`;
  try {
    await applyMigrations({
      url,
      schema: CRM_SCHEMA,
      migrationsDir: join(__dirname, '../prisma/migrations'),
    });
    const seedStarted = performance.now();
    for (let t = 0; t < OTHER_TENANTS; t++) await seed(url, `other${t}_${suffix}`, OTHER_CUSTOMERS, false);
    await seed(url, tenantId, CUSTOMERS, true);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const grpcPort = await freePort();
    const config = loadConfig(CrmConfigSchema, {
      SERVICE_NAME: 'crm',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.CRM_BENCH_LOG_LEVEL ?? 'silent',
      PORT: '0',
      GRPC_PORT: String(grpcPort),
      DATABASE_URL: url,
      CRM_CONSUME_CALL_FACTS: 'false',
    });
    const app = await startCrm(config);
    const httpPort = (app.getHttpServer().address() as AddressInfo).port;
    const client = createGrpcClient(CrmV1.CrmServiceService, {
      address: `127.0.0.1:${grpcPort}`,
      defaultDeadlineMs: 150,
      actor: 'bench',
    });
    // A deterministic mix: 90% known callers (alternating national and international forms), 10% unknown.
    // mulberry32: a small deterministic PRNG (integer-exact, unlike a float LCG).
    let state = 12345;
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    const caller = () => {
      const r = next();
      const i = 1 + (r % CUSTOMERS);
      if (r % 10 === 0) return `+4940${30_000_000 + i}`;
      return r % 2 === 0 ? e164Of(i) : nationalOf(i);
    };
    let timeouts = 0;
    /** One screen pop with telephony's 150 ms deadline; a miss counts as a timeout, as it would for a call. */
    const pop = async (callerNumber: string, deadlineMs = 150): Promise<boolean> => {
      try {
        const res = await client.screenPop(
          { callerNumber, defaultCountry: '', callId: '' },
          { tenantId, deadlineMs },
        );
        return res.found;
      } catch (error) {
        if ((error as { kind?: string }).kind !== 'deadline_exceeded') throw error;
        timeouts++;
        return false;
      }
    };

    try {
      // Warm-up (connection, JIT, pool) with a lenient deadline.
      for (let i = 0; i < 300; i++) await pop(caller(), 5_000);
      timeouts = 0;
      const latencies: number[] = [];
      let found = 0;
      for (let i = 0; i < SEQUENTIAL_LOOKUPS; i++) {
        const started = performance.now();
        if (await pop(caller())) found++;
        latencies.push(performance.now() - started);
      }
      const sequentialTimeouts = timeouts;
      timeouts = 0;

      // The same lookups without gRPC (service layer + Postgres), to see what the transport adds.
      const service = app.get(ScreenPopService);
      const serviceLatencies: number[] = [];
      for (let i = 0; i < SEQUENTIAL_LOOKUPS; i++) {
        const number = caller();
        const started = performance.now();
        await TenantContext.run({ tenantId }, () => service.lookup(number));
        serviceLatencies.push(performance.now() - started);
      }
      serviceLatencies.sort((a, b) => a - b);
      latencies.sort((a, b) => a - b);

      let issued = 0;
      const throughputStarted = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (issued < CONCURRENT_LOOKUPS) {
            issued++;
            await pop(caller());
          }
        }),
      );
      const lookupsPerSec = CONCURRENT_LOOKUPS / ((performance.now() - throughputStarted) / 1000);

      const numbers = Array.from({ length: DNC_BATCH }, (_, k) =>
        k % 2 === 0 ? e164Of(k + 1) : nationalOf(k + 1),
      );
      const dncTimes: number[] = [];
      let blocked = 0;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        const res = await client.checkDoNotCall(
          { phoneNumbers: numbers, defaultCountry: '', campaignId: '' },
          { tenantId, deadlineMs: 10_000 },
        );
        dncTimes.push(performance.now() - started);
        blocked = res.results.filter((r) => r.blocked).length;
      }
      // The first check parses every number; later checks of the same list hit the normalization cache.
      const dncColdMs = dncTimes.shift()!;
      dncTimes.sort((a, b) => a - b);

      const rows = ['first_name,last_name,phone,email'];
      for (let k = 0; k < IMPORT_ROWS; k++)
        rows.push(`Imp${k},Orted${k},089 ${30_000_000 + k},imp${k}@example.com`);
      const importStarted = performance.now();
      const imported = await postCsv(httpPort, tenantId, rows.join('\n'));
      const importSeconds = (performance.now() - importStarted) / 1000;
      if (imported.status !== 200)
        throw new Error(`import failed: ${imported.status} ${imported.body.slice(0, 300)}`);

      const result = {
        bench: 'crm-screen-pop',
        transport: 'grpc',
        customers: CUSTOMERS,
        otherTenants: OTHER_TENANTS,
        otherTenantCustomers: OTHER_CUSTOMERS,
        seedSeconds: round(seedSeconds, 1),
        lookups: SEQUENTIAL_LOOKUPS,
        lookupsFound: found,
        lookupP50Ms: round(percentile(latencies, 50)),
        lookupP99Ms: round(percentile(latencies, 99)),
        lookupMaxMs: round(latencies[latencies.length - 1]!),
        lookupTimeouts: sequentialTimeouts,
        serviceLookupP50Ms: round(percentile(serviceLatencies, 50)),
        serviceLookupP99Ms: round(percentile(serviceLatencies, 99)),
        lookupsPerSec: round(lookupsPerSec, 0),
        concurrentTimeouts: timeouts,
        concurrency: CONCURRENCY,
        dncBatch: DNC_BATCH,
        dncBlocked: blocked,
        dncBatch10kMs: round(dncColdMs, 1),
        dncBatch10kWarmMs: round(percentile(dncTimes, 50), 1),
        importRows: IMPORT_ROWS,
        importSeconds: round(importSeconds, 2),
        importResult: JSON.parse(imported.body) as unknown,
        deadlineMs: 150,
      };
      client.close();
      await app.close();
      console.log(JSON.stringify(result));
    } catch (error) {
      client.close();
      await app.close();
      throw error;
    }
  } finally {
    // The service's closed pool may still be ending its sessions; killing one mid-close (FORCE)
    // would surface as an error on it, so wait (bounded) for them to leave first.
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [database]);
      if (rows.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
