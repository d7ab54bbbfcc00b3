/**
 * The acd service end to end: enqueue -> assignment latency through gRPC, the router (JetStream KV
 * compare-and-set writes) and the node's WatchAssignments stream, at the rows of SCENARIOS.md
 * section 6 (members-only queue of M agents, Poisson arrivals at r calls/s, bounded number of calls;
 * a simulated telephony answers each offer, talks `--talk-ms`, completes the call); then the time a
 * starting replica needs to load 40,000 queues / 75,000 memberships from Postgres and to route.
 * One acd process in this process, real Postgres and NATS on 127.0.0.1.
 * npx tsx bench/acd-service-latency.bench.ts [--seconds 5] [--max-calls 300] [--talk-ms 200] [--seed 7]
 */
import { Client } from 'pg';
import { AcdV1 } from '@cc/contracts';
import { uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import { Random } from '../src/modules/routing/simulation/random.util';
import {
  type AcdInstance,
  acdTestDatabase,
  deleteNatsResources,
  enqueueRequest,
  startAcdInstance,
} from '../test/acd-test.util';
import { log, numberArgs, percentile, round } from './acd-bench.util';

const args = numberArgs({ seconds: 5, maxCalls: 300, talkMs: 200, seed: 7 });
const ROWS: readonly { members: number; rate: number }[] = [
  { members: 10, rate: 2 },
  { members: 100, rate: 10 },
  { members: 1000, rate: 20 },
  { members: 1000, rate: 40 },
  { members: 1000, rate: 80 },
];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sql(url: string, text: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

const RULES = JSON.stringify({
  requiredSkills: [],
  membersOnly: true,
  serviceLevel: { targetFraction: 0.8, thresholdSec: 20 },
  ringTimeoutMs: 30_000,
  wrapUpMs: 0,
  overflow: [],
  agentSelection: 'longest_idle',
  openingHours: [],
});

/** Seeds one tenant with a members-only queue per distinct row size, each with its own agents. */
async function seedLatency(url: string, tenant: string): Promise<Map<number, string[]>> {
  const agentsBySize = new Map<number, string[]>();
  for (const members of new Set(ROWS.map((r) => r.members))) {
    const queueId = `q${members}`;
    await sql(
      url,
      `INSERT INTO acd.queue (tenant_id, queue_id, name, rules) VALUES ($1, $2, $2, $3::jsonb)`,
      [tenant, queueId, RULES],
    );
    await sql(
      url,
      `INSERT INTO acd.agent (agent_id, display_name, endpoint)
         SELECT 'm' || $1::text || '-' || g, 'agent ' || g, 'PJSIP/m' || $1::text || '-' || g
         FROM generate_series(1, $1::int) g`,
      [members],
    );
    await sql(
      url,
      `INSERT INTO acd.agent_profile (tenant_id, agent_id, skills, queue_ids)
         SELECT $2, 'm' || $1::text || '-' || g, '{}'::jsonb, ARRAY[$3] FROM generate_series(1, $1::int) g`,
      [members, tenant, queueId],
    );
    agentsBySize.set(
      members,
      Array.from({ length: members }, (_, g) => `m${members}-${g + 1}`),
    );
  }
  return agentsBySize;
}

/** SCENARIOS.md section 6 scale: 10 tenants x 4,000 queues, 10,000 agents, 5,000 of them in 15 queues each. */
async function seedScale(url: string, tenants: string[]): Promise<void> {
  for (const tenant of tenants) {
    await sql(
      url,
      `INSERT INTO acd.queue (tenant_id, queue_id, name, rules)
         SELECT $1, 'q' || g, 'queue ' || g, $2::jsonb FROM generate_series(0, 3999) g`,
      [tenant, RULES],
    );
  }
  await sql(
    url,
    `INSERT INTO acd.agent (agent_id, display_name, endpoint)
       SELECT 'a' || g, 'agent ' || g, 'PJSIP/a' || g FROM generate_series(0, 9999) g`,
  );
  // Agents 0..4999 are members of 15 queues of their tenant; the others serve by skill only.
  await sql(
    url,
    `INSERT INTO acd.agent_profile (tenant_id, agent_id, skills, queue_ids)
       SELECT ($1::text[])[1 + g % 10], 'a' || g, jsonb_build_object('s' || (g % 100), 1 + g % 10),
              CASE WHEN g < 5000 THEN ARRAY(SELECT 'q' || ((g * 15 + k) % 4000) FROM generate_series(0, 14) k) ELSE ARRAY[]::text[] END
       FROM generate_series(0, 9999) g`,
    [tenants],
  );
}

async function latencyRows(acd: AcdInstance, tenant: string, agentsBySize: Map<number, string[]>) {
  const rng = new Random(args.seed);
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const work: Promise<unknown>[] = [];
  const controller = new AbortController();
  const watchDone = (async () => {
    try {
      for await (const event of acd.client.watchAssignments(
        { telephonyNodeId: 'bench-node' },
        { signal: controller.signal, deadlineMs: 3_600_000 },
      )) {
        const a = event.assignment;
        if (!a) continue;
        const started = sent.get(a.callId);
        if (started !== undefined) latencies.push(performance.now() - started);
        const ref = {
          assignmentId: a.assignmentId,
          callId: a.callId,
          agentId: a.agentId,
          fencingToken: a.fencingToken,
        };
        work.push(
          (async () => {
            await acd.client.acknowledgeAssignment(ref, { tenantId: tenant });
            await sleep(args.talkMs);
            await acd.client.completeCall(
              { ...ref, disposition: '', nextState: 0, reasonCode: '' },
              { tenantId: tenant },
            );
          })().catch((error: unknown) => log(`telephony sim: ${String(error)}`)),
        );
      }
    } catch {
      // aborted at the end
    }
  })();

  const rows = [];
  let callNo = 0;
  for (const row of ROWS) {
    const agents = agentsBySize.get(row.members) ?? [];
    for (let i = 0; i < agents.length; i += 50) {
      await Promise.all(
        agents.slice(i, i + 50).map((agentId) =>
          acd.client.setAgentState({
            agentId,
            state: AcdV1.AgentState.AGENT_STATE_AVAILABLE,
            reasonCode: '',
            expectedVersion: 0,
          }),
        ),
      );
    }
    latencies.length = 0;
    const calls = Math.min(args.maxCalls, Math.max(10, Math.round(row.rate * args.seconds)));
    const enqueues: Promise<unknown>[] = [];
    let next = performance.now();
    for (let n = 0; n < calls; n++) {
      next += (-Math.log(1 - rng.next()) / row.rate) * 1000;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      const callId = `bc${callNo++}`;
      sent.set(callId, performance.now());
      enqueues.push(
        acd.client.enqueueCall(enqueueRequest(callId, `q${row.members}`, { telephonyNodeId: 'bench-node' }), {
          tenantId: tenant,
        }),
      );
    }
    await Promise.all(enqueues);
    await waitFor(
      `row ${row.members}/${row.rate}: every call assigned`,
      () => latencies.length >= calls,
      60_000,
    );
    await Promise.all(work.splice(0));
    const sorted = [...latencies].sort((a, b) => a - b);
    const result = {
      members: row.members,
      callsPerSec: row.rate,
      calls,
      enqueueToAssignP50Ms: round(percentile(sorted, 0.5), 2),
      enqueueToAssignP99Ms: round(percentile(sorted, 0.99), 2),
      maxMs: round(sorted[sorted.length - 1] ?? NaN, 2),
    };
    log(JSON.stringify(result));
    rows.push(result);
    // Agents of this size go off so the next row's queue is served by its own members only.
    for (let i = 0; i < agents.length; i += 50) {
      await Promise.all(
        agents.slice(i, i + 50).map((agentId) =>
          acd.client.setAgentState({
            agentId,
            state: AcdV1.AgentState.AGENT_STATE_LOGGED_OUT,
            reasonCode: '',
            expectedVersion: 0,
          }),
        ),
      );
    }
  }
  controller.abort();
  await watchDone;
  return rows;
}

async function main(): Promise<void> {
  // ---------------------------------------------------------------- latency
  const tenant = uniqueTenantId('bench');
  const db = await acdTestDatabase();
  const prefix = uniqueName('acdbench');
  const bucket = uniqueName('acdbench');
  let acd: AcdInstance | undefined;
  let rows;
  try {
    const agentsBySize = await seedLatency(db.url, tenant);
    acd = await startAcdInstance({ databaseUrl: db.url, bucket, streamPrefix: prefix, tenants: [tenant] });
    await waitFor('the router', () => acd?.host.isRouter === true, 20_000);
    rows = await latencyRows(acd, tenant, agentsBySize);
  } finally {
    await acd?.stop();
    await deleteNatsResources(prefix, bucket);
    await db.drop();
  }

  // ---------------------------------------------------------------- a starting replica at scale
  const scaleDb = await acdTestDatabase();
  const scalePrefix = uniqueName('acdscale');
  const scaleBucket = uniqueName('acdscale');
  const tenants = Array.from({ length: 10 }, () => uniqueTenantId('sc'));
  let scale;
  try {
    await seedScale(scaleDb.url, tenants);
    const started = performance.now();
    const replica = await startAcdInstance({
      databaseUrl: scaleDb.url,
      bucket: scaleBucket,
      streamPrefix: scalePrefix,
      tenants,
    });
    try {
      await waitFor('the router at scale', () => replica.host.isRouter, 120_000);
      const size = replica.host.configuration.size;
      scale = {
        queues: size.queues,
        agents: size.agents,
        memberships: size.memberships,
        configLoadMs: round(replica.host.configLoadMs, 1),
        startToRoutingMs: round(performance.now() - started, 1),
      };
      log(JSON.stringify(scale));
    } finally {
      await replica.stop();
    }
  } finally {
    await deleteNatsResources(scalePrefix, scaleBucket);
    await scaleDb.drop();
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'acd-service-latency', talkMs: args.talkMs, rows, ...scale })}\n`,
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(String(error instanceof Error ? (error.stack ?? error.message) : error));
    process.exit(1);
  },
);
