/**
 * The acd service end to end: enqueue -> assignment latency through gRPC, the router (JetStream KV
 * compare-and-set writes) and the node's WatchAssignments stream, at the rows of SCENARIOS.md
 * section 6 (members-only queue of M agents, Poisson arrivals at r calls/s, bounded number of calls;
 * a simulated telephony answers each offer, talks `--talk-ms`, completes the call); then the time a
 * starting replica needs to load 40,000 queues / 75,000 memberships from Postgres and to route.
 * One acd process in this process, real Postgres and NATS on 127.0.0.1.
 * npx tsx bench/acd-service-latency.bench.ts [--seconds 5] [--max-calls 300] [--talk-ms 200] [--seed 7]
 */
import { AcdV1 } from '@cc/contracts';
import { uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import {
  type AcdInstance,
  acdTestDatabase,
  deleteNatsResources,
  startAcdInstance,
} from '../test/acd-test.util';
import { log, numberArgs, round } from './acd-bench.util';
import {
  measureFromChildProcess,
  membersQueueId,
  seedMembersQueue,
  seedScale,
  setAgentsState,
} from './acd-service.util';

const args = numberArgs({ seconds: 5, maxCalls: 300, talkMs: 200, seed: 7 });
const ROWS: readonly { members: number; rate: number }[] = [
  { members: 10, rate: 2 },
  { members: 100, rate: 10 },
  { members: 1000, rate: 20 },
  { members: 1000, rate: 40 },
  { members: 1000, rate: 80 },
];

async function latencyRows(acd: AcdInstance, tenant: string, agentsBySize: Map<number, string[]>) {
  const rows = [];
  for (const row of ROWS) {
    const agents = agentsBySize.get(row.members) ?? [];
    await setAgentsState(acd, agents, AcdV1.AgentState.AGENT_STATE_AVAILABLE);
    const result = {
      members: row.members,
      ...(await measureFromChildProcess(acd.grpcAddress, tenant, {
        queueId: membersQueueId(row.members),
        rate: row.rate,
        calls: Math.min(args.maxCalls, Math.max(10, Math.round(row.rate * args.seconds))),
        talkMs: args.talkMs,
        seed: args.seed + row.rate,
      })),
    };
    log(JSON.stringify(result));
    rows.push(result);
    // Agents of this size go off so the next row's queue is served by its own members only.
    await setAgentsState(acd, agents, AcdV1.AgentState.AGENT_STATE_LOGGED_OUT);
  }
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
    const agentsBySize = new Map<number, string[]>();
    for (const members of new Set(ROWS.map((r) => r.members)))
      agentsBySize.set(members, await seedMembersQueue(db.url, tenant, members));
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
