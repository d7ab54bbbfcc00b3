/**
 * Many concurrent inbound calls end to end: the ARI simulator in its own process (as Asterisk
 * would be), acd and crm fakes on gRPC, one telephony engine, facts to JetStream. Each call: StasisStart,
 * answer, enqueue, assignment, agent originate, answer, bridge, hang-up.
 *
 * Why it used to fail at 100-200 calls: completion was found by re-reading the whole facts stream every
 * 250 ms (one request per stored message: O(calls^2)), which starved the process that also runs the
 * engine and the simulator: ARI requests hit their 5 s timeout (bridging failed) and agents hung up
 * before their bridge existed ("addChannel: Channel not found"), so calls never connected and the
 * wait timed out. Completion is now event-driven (an ordered consumer counts call.ended as it arrives)
 * and the simulator runs in a child process, so the figures are the engine's own.
 *
 * Prints one JSON line last: calls/s and the engine's latencies, p50/p99: StasisStart -> acd enqueue
 * answered (enqueue*), assignment received -> agent originate request written to Asterisk's
 * socket (originate*; from undici's diagnostics channel, so a wait for a free pooled connection
 * counts), its engine part up to handing the request to the ARI client (originateEngine*), assignment
 * received -> agent originate accepted by Asterisk (ringing*), agent answer (its StasisStart) -> both
 * channels bridged (bridged*); event-loop delay p99, heap growth per call at the peak (kbPerCall) and
 * the most calls up at once (peakConcurrentCalls, StasisStart to call.ended).
 * Calls arrive evenly at --rate per second (a burst of hundreds in the same millisecond measures the
 * queueing of the burst, not the engine) and each talks 5 minutes simulated (6 s real), so all of
 * them are up at once at the peak.
 * Usage: npm run bench -- telephony [--calls 500] [--rate 100]  (or npx tsx bench/telephony.bench.ts ...)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { domainStream, ensureStream } from '@cc/platform';
import { freePort, randomSuffix, uniqueTenantId } from '@cc/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { systemClock } from '../src/infrastructure/clock';
import { AcdGrpcAdapter } from '../src/modules/acd/acd-grpc.adapter';
import { callIdForChannel } from '../src/modules/calls/call-rules.util';
import type { CallTimingPoint } from '../src/modules/calls/calls.service';
import { JetStreamCallFacts } from '../src/modules/calls/jetstream-call-facts.adapter';
import { TelephonyEngine } from '../src/modules/calls/telephony.engine';
import { CrmGrpcAdapter } from '../src/modules/crm/crm-grpc.adapter';
import { DEFAULT_TENANT_SETTINGS } from '../src/modules/entry-points/entry-point.types';
import { InMemoryEntryPoints } from '../src/modules/entry-points/in-memory-entry-points';
import { startFakePeers } from '../test/fixtures/fake-peers.grpc';
import { NATS_URL, silentLogger } from '../test/fixtures/telephony-harness';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.min(v, 2000) : fallback;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v =
    sorted.length === 0
      ? 0
      : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
  return Math.round(v * 100) / 100;
}

type Mark = CallTimingPoint | 'originate_on_wire';

const TIME_SCALE = 50;
const DEADLINE_MS = 120_000;
const DID = '+15551000';

async function startSimProcess(port: number): Promise<{ child: ChildProcess; url: string }> {
  const cli = require.resolve('@cc/ari-sim/dist/cli.js');
  const child = spawn(
    process.execPath,
    [cli, '--port', String(port), '--host', '127.0.0.1', '--time-scale', String(TIME_SCALE)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ari-sim did not start')), 10_000);
    lines.on('line', (line) => {
      if (line.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`ari-sim exited with ${String(code)}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function main(): Promise<void> {
  const calls = arg('calls', 500);
  const sim = await startSimProcess(await freePort());
  const control = (method: string, path: string, body: unknown): Promise<Response> =>
    fetch(`${sim.url}/sim/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const rate = arg('rate', 100);
  // The agent answers after 0.5 s and talks 5 min (simulated; 10 ms and 6 s real).
  await control('PUT', '/endpoints/PJSIP/agent-bench', { answerAfterMs: 500, hangupAfterMs: 300_000 });

  const peers = await startFakePeers();
  peers.state.agents = [{ agentId: 'agent-1', endpoint: 'PJSIP/agent-bench' }];
  peers.state.ringTimeoutSeconds = 600;
  const tenantId = uniqueTenantId('tbench');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const stream = domainStream('telephony', {
    prefix: `TBENCH${randomSuffix().toUpperCase()}_`,
    tenants: [tenantId],
  });
  await ensureStream(jsm, stream);
  const js = jetstream(nc);
  const entryPoints = new InMemoryEntryPoints().add({
    tenantId,
    did: DID,
    flowId: 'bench',
    flow: {
      start: 'q',
      steps: { q: { type: 'queue', queueId: 'sales', announceEverySeconds: 0, mohClass: 'default' } },
    },
    settings: DEFAULT_TENANT_SETTINGS,
  });
  const acd = new AcdGrpcAdapter(peers.address, { streamDeadlineMs: 600_000 });
  const crm = new CrmGrpcAdapter(peers.address, 150);
  const marks = new Map<string, Partial<Record<Mark, number>>>();
  const engine = new TelephonyEngine(
    {
      ariUrl: `${sim.url}/ari`,
      ariUsername: 'asterisk',
      ariPassword: 'asterisk',
      app: 'callcenter',
      nodeId: `bench-${randomSuffix()}`,
      operatorTenantId: tenantId,
    },
    {
      lookup: entryPoints,
      acd,
      crm,
      facts: new JetStreamCallFacts(() => js),
      clock: systemClock,
      logger: silentLogger,
      timings: (callId, point) => {
        const m = marks.get(callId) ?? {};
        m[point] ??= performance.now();
        marks.set(callId, m);
      },
    },
  );
  await engine.start();
  // The moment each agent originate (POST /ari/channels/<callId>-agent-<n>) goes onto the wire.
  subscribe('undici:client:sendHeaders', (message) => {
    const { request } = message as { request: { method: string; path: string } };
    const match = /\/channels\/([^/?]+)-agent-\d+(?:\?|$)/.exec(request.path);
    if (request.method !== 'POST' || !match?.[1]) return;
    const callId = decodeURIComponent(match[1]);
    const m = marks.get(callId) ?? {};
    m.originate_on_wire ??= performance.now();
    marks.set(callId, m);
  });

  // Event-driven completion: every fact as it is stored.
  const callIds = new Set<string>();
  const ended = new Set<string>();
  const endedAt = new Map<string, number>();
  const factCounts: Record<string, number> = {};
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  const messages = await (await js.consumers.get(stream.name)).consume();
  void (async () => {
    for await (const m of messages) {
      const fact = m.json<{ type: string; payload: { callId?: string } }>();
      factCounts[fact.type] = (factCounts[fact.type] ?? 0) + 1;
      if (fact.type === 'telephony.call.ended' && fact.payload.callId) {
        ended.add(fact.payload.callId);
        endedAt.set(fact.payload.callId, performance.now());
        if (callIds.size === calls && [...callIds].every((id) => ended.has(id))) allEnded();
      }
    }
  })();

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const heapProbe = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const channelIds = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * 1000) / rate));
      const response = await control('POST', '/inbound-calls', {
        from: `+1555000${String(i).padStart(4, '0')}`,
        to: DID,
      });
      return ((await response.json()) as { channelId: string }).channelId;
    }),
  );
  for (const id of channelIds) callIds.add(callIdForChannel(id));
  if ([...callIds].every((id) => ended.has(id))) allEnded();
  const timedOut = await Promise.race([
    done.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), DEADLINE_MS).unref()),
  ]);
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(heapProbe);
  loop.disable();
  messages.stop();

  const between = (from: Mark, to: Mark): number[] =>
    [...callIds].flatMap((id) => {
      const m = marks.get(id);
      return m?.[from] !== undefined && m[to] !== undefined ? [m[to] - m[from]] : [];
    });
  const enqueue = between('stasis_start', 'enqueued');
  const originate = between('assigned', 'originate_on_wire');
  const originateEngine = between('assigned', 'originate_sent');
  const ringing = between('assigned', 'agent_ringing');
  // Calls up at once: +1 at StasisStart, -1 when its call.ended is seen.
  const edges = [...callIds].flatMap((id) => {
    const start = marks.get(id)?.stasis_start;
    const end = endedAt.get(id);
    return start === undefined
      ? []
      : [[start, 1] as const, ...(end === undefined ? [] : [[end, -1] as const])];
  });
  let up = 0;
  let peakConcurrentCalls = 0;
  for (const [, delta] of edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    up += delta;
    peakConcurrentCalls = Math.max(peakConcurrentCalls, up);
  }
  const bridged = between('agent_answered', 'bridged');
  if (process.env.BENCH_DEBUG) console.error(factCounts);
  const result = {
    calls,
    arrivalsPerSec: rate,
    ended: [...callIds].filter((id) => ended.has(id)).length,
    connected: bridged.length,
    timedOut,
    peakConcurrentCalls,
    callsPerSec: Math.round((calls / elapsedS) * 10) / 10,
    enqueueP50Ms: pct(enqueue, 50),
    enqueueP99Ms: pct(enqueue, 99),
    originateP50Ms: pct(originate, 50),
    originateP99Ms: pct(originate, 99),
    originates: originate.length,
    originateEngineP50Ms: pct(originateEngine, 50),
    originateEngineP99Ms: pct(originateEngine, 99),
    ringingP50Ms: pct(ringing, 50),
    ringingP99Ms: pct(ringing, 99),
    bridgedP50Ms: pct(bridged, 50),
    bridgedP99Ms: pct(bridged, 99),
    loopDelayP99Ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
    kbPerCall: Math.round((heapPeak - heapBefore) / 1024 / calls),
    timeScale: TIME_SCALE,
  };
  await engine.stop();
  acd.close();
  crm.close();
  await peers.close();
  await jsm.streams.delete(stream.name).catch(() => undefined);
  await nc.close();
  sim.child.kill('SIGTERM');
  console.log(JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
