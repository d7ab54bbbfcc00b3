import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { AcdV1 } from '@cc/contracts';
import { waitFor } from '@cc/testing';
import { Random } from '../src/modules/routing/simulation/random.util';
import { type AcdClient, type AcdInstance, enqueueRequest } from '../test/acd-test.util';
import { log, percentile, round } from './acd-bench.util';

/** The service benches' shared parts: seeding Postgres and the enqueue -> assignment measurement. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function sql(url: string, text: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

export const MEMBERS_ONLY_RULES = JSON.stringify({
  requiredSkills: [],
  membersOnly: true,
  serviceLevel: { targetFraction: 0.8, thresholdSec: 20 },
  ringTimeoutMs: 30_000,
  wrapUpMs: 0,
  overflow: [],
  agentSelection: 'longest_idle',
  openingHours: [],
});

/** The members-only queue of `members` agents (a name apart from seedScale's `q<n>`). */
export const membersQueueId = (members: number): string => `mq${members}`;

/** A members-only queue with its own `members` agents `m<members>-<n>`; returns their ids. */
export async function seedMembersQueue(url: string, tenant: string, members: number): Promise<string[]> {
  const queueId = membersQueueId(members);
  await sql(url, `INSERT INTO acd.queue (tenant_id, queue_id, name, rules) VALUES ($1, $2, $2, $3::jsonb)`, [
    tenant,
    queueId,
    MEMBERS_ONLY_RULES,
  ]);
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
  return Array.from({ length: members }, (_, g) => `m${members}-${g + 1}`);
}

/**
 * SCENARIOS.md section 6 scale: 10 tenants x 4,000 queues, 10,000 agents with skills from 1,000 skills
 * (100 per tenant), 5,000 of them in 15 queues each = 75,000 memberships.
 */
export async function seedScale(url: string, tenants: string[]): Promise<void> {
  for (const tenant of tenants) {
    await sql(
      url,
      `INSERT INTO acd.queue (tenant_id, queue_id, name, rules)
         SELECT $1, 'q' || g, 'queue ' || g, $2::jsonb FROM generate_series(0, 3999) g`,
      [tenant, MEMBERS_ONLY_RULES],
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

export async function setAgentsState(
  acd: AcdInstance,
  agents: readonly string[],
  state: AcdV1.AgentState,
): Promise<void> {
  for (let i = 0; i < agents.length; i += 50) {
    await Promise.all(
      agents
        .slice(i, i + 50)
        .map((agentId) => acd.client.setAgentState({ agentId, state, reasonCode: '', expectedVersion: 0 })),
    );
  }
}

export interface LatencyRun {
  readonly queueId: string;
  /** Poisson arrivals per second. */
  readonly rate: number;
  readonly calls: number;
  /** How long the simulated telephony keeps an agent on a call before completing it. */
  readonly talkMs: number;
  readonly seed: number;
}

/**
 * Enqueue -> assignment through gRPC, the router and the node's WatchAssignments stream: Poisson
 * enqueues at `rate`; a simulated telephony acknowledges each offer, talks `talkMs` and completes
 * the call, freeing the agent. The latency of a call is from sending its EnqueueCall to receiving
 * its assignment on the stream, so it includes any wait for a free agent (size the queue so that
 * the offered load, rate x (talk + the acknowledge/complete round trips), fits its agents).
 */
export async function measureEnqueueToAssign(client: AcdClient, tenant: string, run: LatencyRun) {
  const rng = new Random(run.seed);
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const replyLatencies: number[] = [];
  let failed = 0;
  const work: Promise<unknown>[] = [];
  const controller = new AbortController();
  const node = `bench-node-${run.queueId}-${run.rate}`;
  let busy = 0;
  let maxBusy = 0;
  const watchDone = (async () => {
    try {
      for await (const event of client.watchAssignments(
        { telephonyNodeId: node },
        { signal: controller.signal, deadlineMs: 3_600_000 },
      )) {
        const a = event.assignment;
        if (!a) continue;
        const started = sent.get(a.callId);
        if (started !== undefined) {
          latencies.push(performance.now() - started);
          sent.delete(a.callId);
        }
        const ref = {
          assignmentId: a.assignmentId,
          callId: a.callId,
          agentId: a.agentId,
          fencingToken: a.fencingToken,
        };
        maxBusy = Math.max(maxBusy, ++busy);
        work.push(
          (async () => {
            await client.acknowledgeAssignment(ref, { tenantId: tenant });
            await sleep(run.talkMs);
            await client.completeCall(
              { ...ref, disposition: '', nextState: 0, reasonCode: '' },
              { tenantId: tenant },
            );
          })()
            .catch((error: unknown) => log(`telephony sim: ${String(error)}`))
            .finally(() => busy--),
        );
      }
    } catch {
      // aborted at the end
    }
  })();
  await sleep(100); // the stream is open before the first call

  const enqueues: Promise<unknown>[] = [];
  const started = performance.now();
  let next = started;
  for (let n = 0; n < run.calls; n++) {
    next += (-Math.log(1 - rng.next()) / run.rate) * 1000;
    const wait = next - performance.now();
    if (wait > 1) await sleep(wait);
    const callId = `bc-${run.queueId}-${run.rate}-${run.seed}-${n}`; // a warm-up at the same rate has other ids
    const at = performance.now();
    sent.set(callId, at);
    enqueues.push(
      client
        .enqueueCall(enqueueRequest(callId, run.queueId, { telephonyNodeId: node }), {
          tenantId: tenant,
        })
        .then(
          () => replyLatencies.push(performance.now() - at),
          // An overloaded service refuses (e.g. its lease lapsed): counted, not measured, reported.
          (error: unknown) => {
            failed++;
            sent.delete(callId);
            if (failed <= 3) log(`enqueue ${callId} failed: ${String(error)}`);
          },
        ),
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(enqueues);
  await waitFor(
    `${run.calls} calls at ${run.rate}/s: every call assigned`,
    () => latencies.length + failed >= run.calls,
    120_000,
  );
  await Promise.all(work.splice(0));
  controller.abort();
  await watchDone;
  const sorted = [...latencies].sort((a, b) => a - b);
  const replies = [...replyLatencies].sort((a, b) => a - b);
  return {
    callsPerSec: run.rate,
    achievedCallsPerSec: round(run.calls / sendSeconds, 1),
    calls: run.calls,
    failedEnqueues: failed,
    talkMs: run.talkMs,
    maxAgentsBusy: maxBusy,
    enqueueToAssignP50Ms: round(percentile(sorted, 0.5), 2),
    enqueueToAssignP99Ms: round(percentile(sorted, 0.99), 2),
    maxMs: round(sorted[sorted.length - 1] ?? NaN, 2),
    /** When the EnqueueCall reply came back (the call is durable and, here, already assigned). */
    enqueueReplyP50Ms: round(percentile(replies, 0.5), 2),
    enqueueReplyP99Ms: round(percentile(replies, 0.99), 2),
  };
}

export type LatencyResult = Awaited<ReturnType<typeof measureEnqueueToAssign>>;

/**
 * The same measurement from a child process (bench/acd-load-client.process.ts): callers and the
 * simulated telephony are other processes in production, and in the service's own event loop they
 * would compete with it for the CPU and charge their own gRPC client work to its latency.
 */
export function measureFromChildProcess(
  grpcAddress: string,
  tenant: string,
  run: LatencyRun,
): Promise<LatencyResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'acd-load-client.process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LatencyResult | undefined;
    child.on('message', (message: { result?: LatencyResult; error?: string }) => {
      if (message.result) result = message.result;
      else reject(new Error(`load client: ${message.error ?? 'no result'}`));
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`load client exited with ${code} and no result`)),
    );
    child.send({ grpcAddress, tenant, run });
  });
}
