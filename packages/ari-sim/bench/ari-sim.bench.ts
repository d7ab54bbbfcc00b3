/**
 * Load benchmark: CALLS concurrent calls through the simulator over real HTTP and one events WebSocket:
 * inbound call -> StasisStart -> answer -> originate agent (answers at once) -> StasisStart -> bridge both;
 * once every call is up (all CALLS live at the same time), tear everything down (hang up both legs, destroy bridge).
 *
 * The simulator runs in a child process (its own core), the load generator in this one, so the measured event
 * latency is the simulator's, not the queueing of the load generator's own event loop. Emission times are taken
 * in the child by a bus listener (performance.timeOrigin + now(), comparable across processes) and sent back over
 * IPC after the run; events themselves are not altered.
 *
 * Reports set-ups per second (a set-up = inbound call placed to both legs bridged), calls per second end to end,
 * event latency (emit in the simulator -> received by the client, p50/p99) and the simulator's peak RSS.
 * Prints one JSON line last. Run: npx tsx bench/ari-sim.bench.ts [calls] [inFlight]
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startAriSim } from '../src/http/ari-sim.server';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const CALLS = Number(args[0] ?? 2000);
const IN_FLIGHT = Number(args[1] ?? 64);

const wallNow = (): number => performance.timeOrigin + performance.now();

type ToChild = { cmd: 'mark' } | { cmd: 'report' };
type FromChild =
  | { kind: 'ready'; port: number }
  | { kind: 'report'; emitted: [string, number][]; rssPeak: number; channels: number };

/** The simulator side: records when each event left the bus and reports on request. */
async function runServer(): Promise<void> {
  const sim = await startAriSim({ port: 0, timeScale: 1000 });
  let emitted = new Map<string, number>();
  let rssPeak = 0;
  sim.world.bus.onDelivered((_app, event) => emitted.set(JSON.stringify(event), wallNow()));
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  process.on('message', (msg: ToChild) => {
    if (msg.cmd === 'mark') {
      emitted = new Map();
      rssPeak = process.memoryUsage().rss;
      return;
    }
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const reply: FromChild = {
      kind: 'report',
      emitted: [...emitted],
      rssPeak,
      channels: sim.world.channelCount(),
    };
    process.send?.(reply, () => {
      clearInterval(sampler);
      sim.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  });
  process.send?.({ kind: 'ready', port: sim.port } satisfies FromChild);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function runClient(): Promise<void> {
  const child = fork(__filename, ['--server'], { execArgv: process.execArgv });
  const messages: FromChild[] = [];
  const waiters: ((m: FromChild) => void)[] = [];
  child.on('message', (m: FromChild) => {
    const w = waiters.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const nextMessage = (): Promise<FromChild> =>
    new Promise((resolve) => {
      const m = messages.shift();
      if (m) resolve(m);
      else waiters.push(resolve);
    });
  const ready = await nextMessage();
  if (ready.kind !== 'ready') throw new Error('simulator did not start');
  const port = ready.port;

  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const auth = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
  const call = (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            Authorization: auth,
            ...(payload
              ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 300)
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            else resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  const received: [string, number][] = [];
  const waiting = new Map<string, () => void>();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ari/events?app=callcenter&api_key=asterisk:asterisk`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    received.push([text, wallNow()]);
    const event = JSON.parse(text) as { type: string; args?: string[] };
    if (event.type === 'StasisStart' && event.args?.[0] === 'agent') {
      const key = event.args[1] ?? '';
      waiting.get(key)?.();
      waiting.delete(key);
    }
  });

  await call('PUT', '/sim/v1/endpoints/PJSIP/agent-*', { answerAfterMs: 0 });
  const live: { caller: string; agent: string; bridge: string }[] = [];
  const setUp = async (n: number): Promise<void> => {
    const placed = await call('POST', '/sim/v1/inbound-calls', {
      from: `+1555${String(n).padStart(7, '0')}`,
      to: '+15551000',
    });
    const caller = String(placed['channelId']);
    await call('POST', `/ari/channels/${caller}/answer`);
    const agentStarted = new Promise<void>((resolve) => waiting.set(caller, resolve));
    const agentLeg = await call(
      'POST',
      `/ari/channels?endpoint=PJSIP/agent-${n}&app=callcenter&appArgs=agent,${caller}`,
    );
    await agentStarted;
    const bridge = await call('POST', '/ari/bridges?type=mixing');
    await call(
      'POST',
      `/ari/bridges/${String(bridge['id'])}/addChannel?channel=${caller},${String(agentLeg['id'])}`,
    );
    live.push({ caller, agent: String(agentLeg['id']), bridge: String(bridge['id']) });
  };
  const tearDown = async (c: { caller: string; agent: string; bridge: string }): Promise<void> => {
    await call('DELETE', `/ari/channels/${c.agent}`);
    await call('DELETE', `/ari/channels/${c.caller}`);
    await call('DELETE', `/ari/bridges/${c.bridge}`);
  };
  const runPool = async (count: number, job: (i: number) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) await job(next++);
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  };

  // Warm-up (JIT, keep-alive sockets), not measured.
  await runPool(Math.min(200, CALLS), setUp);
  await runPool(live.length, (i) => tearDown(live[i]!));
  live.length = 0;
  await new Promise((resolve) => setTimeout(resolve, 100));
  received.length = 0;
  child.send({ cmd: 'mark' } satisfies ToChild);
  await new Promise((resolve) => setTimeout(resolve, 20));

  const t0 = performance.now();
  await runPool(CALLS, setUp);
  const setupSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const upAtOnce = live.length;
  await runPool(live.length, (i) => tearDown(live[i]!));
  const teardownSeconds = (performance.now() - t1) / 1000;
  const totalSeconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 100));

  child.send({ cmd: 'report' } satisfies ToChild);
  const report = await nextMessage();
  if (report.kind !== 'report') throw new Error('no report from the simulator');
  const emitted = new Map(report.emitted);
  const latencies: number[] = [];
  for (const [text, at] of received) {
    const sent = emitted.get(text);
    if (sent !== undefined) latencies.push(at - sent);
  }
  latencies.sort((a, b) => a - b);
  ws.close();
  agent.destroy();
  await new Promise((resolve) => child.once('exit', resolve));

  const result = {
    bench: 'ari-sim',
    calls: CALLS,
    inFlight: IN_FLIGHT,
    callsUpAtOnce: upAtOnce,
    setupsPerSec: Math.round(CALLS / setupSeconds),
    teardownsPerSec: Math.round(CALLS / teardownSeconds),
    callsPerSec: Math.round(CALLS / totalSeconds),
    events: latencies.length,
    eventP50Ms: Number(percentile(latencies, 50).toFixed(3)),
    eventP99Ms: Number(percentile(latencies, 99).toFixed(3)),
    rssMb: Math.round(report.rssPeak / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const entry = process.argv.includes('--server') ? runServer : runClient;
entry().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
