/**
 * Screen-pop latency over gRPC against a seeded crm: `npx tsx bench/crm-screenpop.bench.ts`.
 *
 * Seeds CRM_BENCH_CUSTOMERS customers (default 1,000,000) for one tenant among several (plus 20% of
 * them with 5 interactions and 10% with an open lead), starts the whole crm service in-process on
 * 127.0.0.1, and measures: sequential ScreenPop latency (p50/p99, 10% unknown callers, numbers in
 * national and international forms) from a gRPC client in its own thread (the headline figures) and
 * from one on the service's event loop, ScreenPop throughput with 16 calls in flight, one
 * CheckDoNotCall of 10,000 numbers, and a CSV import of CRM_BENCH_IMPORT_ROWS rows (default 1,000,000)
 * over HTTP. Bounded loops; everything it creates (one database) is dropped at the end. Prints one
 * JSON line last.
 *
 * It builds crm and runs the compiled service (dist/): tsx's esbuild does not emit the decorator
 * metadata Nest's dependency injection reads, so the service cannot run from sources under tsx.
 */
import { CrmV1 } from '@cc/contracts';
import { applyMigrations, loadConfig, TenantContext, createGrpcClient } from '@cc/platform';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { freePort } from '@cc/testing';
import { CRM_SCHEMA, CrmConfigSchema } from '../src/config/crm.config';

const CUSTOMERS = Number(process.env.CRM_BENCH_CUSTOMERS ?? 1_000_000);
const OTHER_TENANTS = 3;
const OTHER_CUSTOMERS = Math.min(20_000, Math.ceil(CUSTOMERS / 5));
const SEQUENTIAL_LOOKUPS = 3_000;
const CONCURRENT_LOOKUPS = 6_000;
const CONCURRENCY = 16;
const DNC_BATCH = 10_000;
const IMPORT_ROWS = Number(process.env.CRM_BENCH_IMPORT_ROWS ?? 1_000_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
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
  DncService: (typeof import('../src/modules/dnc/dnc.service'))['DncService'];
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
  const { DncService } = (await import(
    join(root, 'dist/modules/dnc/dnc.service.js')
  )) as typeof import('../src/modules/dnc/dnc.service');
  return { startCrm, ScreenPopService, DncService };
}

/**
 * The gRPC client in its own thread (own event loop), as telephony is its own process: in the
 * service's thread, the client's encoding and callbacks queue behind the server's work and the
 * other way round. Plain CommonJS evaluated in the worker; the packages come by absolute path.
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createGrpcClient } = require(workerData.platform);
const { CrmV1 } = require(workerData.contracts);
const client = createGrpcClient(CrmV1.CrmServiceService, {
  address: workerData.address, defaultDeadlineMs: 150, actor: 'bench',
});
async function pop(callerNumber, deadlineMs) {
  try {
    const res = await client.screenPop({ callerNumber, defaultCountry: '', callId: '' },
      { tenantId: workerData.tenantId, deadlineMs });
    return { found: res.found, timeout: false };
  } catch (error) {
    if (error && error.kind === 'deadline_exceeded') return { found: false, timeout: true };
    throw error;
  }
}
parentPort.on('message', async ({ warmup, sequential, concurrent, concurrency }) => {
  for (const n of warmup) await pop(n, 5000);
  const latencies = [];
  let found = 0, timeouts = 0;
  for (const n of sequential) {
    const started = performance.now();
    const r = await pop(n, 150);
    latencies.push(performance.now() - started);
    if (r.found) found++;
    if (r.timeout) timeouts++;
  }
  let next = 0, concurrentTimeouts = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < concurrent.length) {
      const r = await pop(concurrent[next++], 150);
      if (r.timeout) concurrentTimeouts++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  client.close();
  parentPort.postMessage({ latencies, found, timeouts, concurrentTimeouts, seconds });
});
`;

interface WorkerResult {
  latencies: number[];
  found: number;
  timeouts: number;
  concurrentTimeouts: number;
  seconds: number;
}

function lookupsFromWorker(
  address: string,
  tenantId: string,
  work: { warmup: string[]; sequential: string[]; concurrent: string[]; concurrency: number },
): Promise<WorkerResult> {
  const worker = new Worker(CLIENT_WORKER, {
    eval: true,
    workerData: {
      address,
      tenantId,
      platform: require.resolve('@cc/platform'),
      contracts: require.resolve('@cc/contracts'),
    },
  });
  return new Promise<WorkerResult>((resolve, reject) => {
    worker.once('message', (result: WorkerResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.postMessage(work);
  });
}

async function main(): Promise<void> {
  const { startCrm, ScreenPopService, DncService } = await loadCompiledCrm();
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

      const sameLoopLookupsPerSec = lookupsPerSec;
      const sameLoopTimeouts = timeouts;
      const fromWorker = await lookupsFromWorker(`127.0.0.1:${grpcPort}`, tenantId, {
        warmup: Array.from({ length: 300 }, caller),
        sequential: Array.from({ length: SEQUENTIAL_LOOKUPS }, caller),
        concurrent: Array.from({ length: CONCURRENT_LOOKUPS }, caller),
        concurrency: CONCURRENCY,
      });
      const workerLatencies = [...fromWorker.latencies].sort((a, b) => a - b);

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
      // The same check without gRPC (numbers not seen before, so each is parsed): what the transport adds.
      const dnc = app.get(DncService);
      const freshNumbers = numbers.map((n, k) => (k % 2 === 0 ? e164Of(k + 20_001) : nationalOf(k + 20_001)));
      const dncServiceStarted = performance.now();
      await TenantContext.run({ tenantId }, () => dnc.check(freshNumbers));
      const dncServiceMs = performance.now() - dncServiceStarted;

      const rows = ['first_name,last_name,phone,email'];
      for (let k = 0; k < IMPORT_ROWS; k++)
        rows.push(`Imp${k},Orted${k},089 ${30_000_000 + k},imp${k}@example.com`);
      const importStarted = performance.now();
      const imported = await postCsv(httpPort, tenantId, rows.join('\n'));
      const importSeconds = (performance.now() - importStarted) / 1000;
      if (imported.status !== 200)
        throw new Error(`import failed: ${imported.status} ${imported.body.slice(0, 300)}`);

      const result = {
        bench: 'crm-screenpop',
        transport: 'grpc',
        customers: CUSTOMERS,
        otherTenants: OTHER_TENANTS,
        otherTenantCustomers: OTHER_CUSTOMERS,
        seedSeconds: round(seedSeconds, 1),
        lookups: SEQUENTIAL_LOOKUPS,
        // Headline: a gRPC client in its own thread (as telephony, another process, would be).
        lookupsFound: fromWorker.found,
        lookupP50Ms: round(percentile(workerLatencies, 50)),
        lookupP99Ms: round(percentile(workerLatencies, 99)),
        lookupMaxMs: round(workerLatencies[workerLatencies.length - 1]!),
        lookupTimeouts: fromWorker.timeouts,
        lookupsPerSec: round(CONCURRENT_LOOKUPS / fromWorker.seconds, 0),
        concurrentTimeouts: fromWorker.concurrentTimeouts,
        concurrency: CONCURRENCY,
        // The same with the client on the service's own event loop (the two queue behind each other).
        sameLoopLookupsFound: found,
        sameLoopLookupP50Ms: round(percentile(latencies, 50)),
        sameLoopLookupP99Ms: round(percentile(latencies, 99)),
        sameLoopLookupTimeouts: sequentialTimeouts,
        sameLoopLookupsPerSec: round(sameLoopLookupsPerSec, 0),
        sameLoopConcurrentTimeouts: sameLoopTimeouts,
        // Without gRPC: the service layer and Postgres only.
        serviceLookupP50Ms: round(percentile(serviceLatencies, 50)),
        serviceLookupP99Ms: round(percentile(serviceLatencies, 99)),
        dncBatch: DNC_BATCH,
        dncBlocked: blocked,
        dncBatch10kMs: round(dncColdMs, 1),
        dncBatch10kWarmMs: round(percentile(dncTimes, 50), 1),
        dncBatch10kServiceMs: round(dncServiceMs, 1),
        importRows: IMPORT_ROWS,
        importSeconds: round(importSeconds, 2),
        // Only a real 1,000,000-row import fills this; a smaller run (CRM_BENCH_IMPORT_ROWS) leaves it null.
        import1mSeconds: IMPORT_ROWS === 1_000_000 ? round(importSeconds, 1) : null,
        loadAverage: loadavg().map((l) => round(l, 2)),
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
