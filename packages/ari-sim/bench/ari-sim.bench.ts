/**
 * Load benchmark: CALLS concurrent calls through the simulator over real HTTP and one events WebSocket:
 * inbound call -> StasisStart -> answer -> originate agent (answers at once) -> StasisStart -> bridge both;
 * once every call is up (all CALLS live at the same time), tear everything down (hang up both legs, destroy bridge).
 * IN_FLIGHT calls are being set up (or torn down) at any moment, each by a chain of HTTP requests.
 *
 * Three event loops, so that each measures only what it should:
 * - the simulator: a child process, one Node.js process with one event-loop thread (it is single-threaded: the
 *   figures are those of one core; its CPU time over the run is reported as simCpuPct of one core);
 * - the load generator (this process's main thread): the HTTP requests;
 * - the event receiver (a worker thread of this process): owns the events WebSocket and stamps each event the
 *   moment it is read. Stamping in the load generator's loop instead (the method before, `--receiver=main`) adds
 *   the load generator's own queueing (64 HTTP answers handled before the socket is read) and its GC pauses to
 *   every event: that is the client's latency, not the simulator's.
 *
 * Latency: the simulator stamps each event when its bus hands it to the socket (performance.timeOrigin + now(),
 * comparable across processes), in delivery order; the receiver stamps each frame it reads, in the same order
 * (one TCP connection keeps order). Event n of one side is event n of the other; their types are compared and any
 * mismatch fails the run. Every event of the measured run counts. Nothing is serialised or retained per event in
 * the simulator beyond a timestamp and a type reference (the method before kept each event's JSON text, which cost
 * the simulator ~10% CPU and ~65 MB of heap, and inflated rssMb).
 *
 * Prints one JSON line last. Run: npx tsx bench/ari-sim.bench.ts [calls=2000] [inFlight=64] [--rate=500|0] [--receiver=main]
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { startAriSim } from '../src/http/ari-sim.server';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const CALLS = Number(args[0] ?? 2000);
const IN_FLIGHT = Number(args[1] ?? 64);
const RECEIVER_IN_MAIN = process.argv.includes('--receiver=main');
/**
 * `--rate=<set-ups per second>`: paces call set-ups and teardowns at that rate (still with up to
 * IN_FLIGHT in flight), to read the event latency at the load the target names (500 set-ups/s, the
 * default). `--rate=0` drives as fast as the simulator answers: its maximum throughput, where event
 * latency is queueing in a saturated process.
 */
const RATE = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice('--rate='.length) ?? 500);
if (!(RATE >= 0)) throw new Error('--rate must be a positive number of set-ups per second');
const APP = 'callcenter';

const wallNow = (): number => performance.timeOrigin + performance.now();

type ToChild = { cmd: 'mark' } | { cmd: 'report' };
type FromChild =
  | { kind: 'ready'; port: number }
  | { kind: 'marked' }
  | {
      kind: 'report';
      emittedAt: number[];
      emittedTypes: string[];
      rssPeak: number;
      channels: number;
      cpuMs: number;
      wallMs: number;
      gcMs: number;
      gcMaxMs: number;
    };
type ToReceiver = { cmd: 'mark' } | { cmd: 'report' };
type FromReceiver =
  | { kind: 'open' }
  | { kind: 'marked' }
  | { kind: 'agentStarted'; caller: string }
  | { kind: 'report'; receivedAt: number[]; receivedTypes: string[] };

interface ReceiverData {
  role: 'receiver';
  entry: string;
  port: number;
}

/** The simulator side: stamps each event as the bus delivers it and reports on request. */
async function runServer(): Promise<void> {
  const sim = await startAriSim({ port: 0, timeScale: 1000 });
  let emittedAt: number[] = [];
  let emittedTypes: string[] = [];
  let rssPeak = 0;
  let gcMs = 0;
  let gcMaxMs = 0;
  sim.world.bus.onDelivered((app, event) => {
    if (app !== APP) return;
    emittedAt.push(wallNow());
    emittedTypes.push(String(event['type']));
  });
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  let cpuAtMark = process.cpuUsage();
  let wallAtMark = performance.now();
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 50);
  process.on('message', (msg: ToChild) => {
    if (msg.cmd === 'mark') {
      emittedAt = [];
      emittedTypes = [];
      gcMs = 0;
      gcMaxMs = 0;
      rssPeak = process.memoryUsage.rss();
      cpuAtMark = process.cpuUsage();
      wallAtMark = performance.now();
      process.send?.({ kind: 'marked' } satisfies FromChild);
      return;
    }
    const cpu = process.cpuUsage(cpuAtMark);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const reply: FromChild = {
      kind: 'report',
      emittedAt,
      emittedTypes,
      rssPeak,
      channels: sim.world.channelCount(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - wallAtMark,
      gcMs,
      gcMaxMs,
    };
    process.send?.(reply, () => {
      clearInterval(sampler);
      gc.disconnect();
      sim.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  });
  // Never outlive the load generator (it may have failed or been killed).
  process.once('disconnect', () => process.exit(0));
  process.send?.({ kind: 'ready', port: sim.port } satisfies FromChild);
}

/**
 * Owns the events WebSocket: stamps every frame as it is read, tells `notify` about agent StasisStarts (the load
 * generator waits for them) and hands over the stamps on request.
 */
function openReceiver(
  port: number,
  notify: (m: FromReceiver) => void,
): { control: (m: ToReceiver) => void; opened: Promise<void> } {
  let receivedAt: number[] = [];
  let receivedTypes: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ari/events?app=${APP}&api_key=asterisk:asterisk`);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data: Buffer) => {
    receivedAt.push(wallNow());
    const event = JSON.parse(data.toString('utf8')) as { type: string; args?: string[] };
    receivedTypes.push(event.type);
    if (event.type === 'StasisStart' && event.args?.[0] === 'agent')
      notify({ kind: 'agentStarted', caller: event.args[1] ?? '' });
  });
  const control = (m: ToReceiver): void => {
    if (m.cmd === 'mark') {
      receivedAt = [];
      receivedTypes = [];
      notify({ kind: 'marked' });
      return;
    }
    // The socket stays open: closing it would let the worker's loop end before the report is delivered.
    notify({ kind: 'report', receivedAt, receivedTypes });
  };
  return { control, opened };
}

function runReceiverThread(data: ReceiverData): void {
  const port = parentPort;
  if (!port) throw new Error('the receiver runs in a worker thread');
  const receiver = openReceiver(data.port, (m) => port.postMessage(m));
  port.on('message', (m: ToReceiver) => receiver.control(m));
  receiver.opened.then(
    () => port.postMessage({ kind: 'open' } satisfies FromReceiver),
    (err: unknown) => {
      throw err;
    },
  );
}

/** A message queue over an event source, so the driver can `await next()` in order. */
function inbox<T>(): { push: (m: T) => void; next: () => Promise<T> } {
  const messages: T[] = [];
  const waiters: ((m: T) => void)[] = [];
  return {
    push: (m) => {
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    },
    next: () =>
      new Promise((resolve) => {
        const m = messages.shift();
        if (m) resolve(m);
        else waiters.push(resolve);
      }),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function runClient(): Promise<void> {
  const child = fork(__filename, ['--server'], { execArgv: process.execArgv });
  const childExited = new Promise((resolve) => child.once('exit', resolve));
  const fromChild = inbox<FromChild>();
  child.on('message', (m: FromChild) => fromChild.push(m));
  const ready = await fromChild.next();
  if (ready.kind !== 'ready') throw new Error('simulator did not start');
  const port = ready.port;

  const waiting = new Map<string, () => void>();
  const fromReceiver = inbox<FromReceiver>();
  const onReceiver = (m: FromReceiver): void => {
    if (m.kind !== 'agentStarted') {
      fromReceiver.push(m);
      return;
    }
    progress++;
    waiting.get(m.caller)?.();
    waiting.delete(m.caller);
  };
  let toReceiver: (m: ToReceiver) => void;
  let worker: Worker | undefined;
  if (RECEIVER_IN_MAIN) {
    const receiver = openReceiver(port, onReceiver);
    toReceiver = receiver.control;
    await receiver.opened;
  } else {
    // tsx's loader is not inherited by worker threads: register it in the worker, then run this file there.
    const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(require('node:worker_threads').workerData.entry);`;
    const data: ReceiverData = { role: 'receiver', entry: __filename, port };
    const thread = new Worker(boot, { eval: true, workerData: data });
    worker = thread;
    thread.on('message', onReceiver);
    thread.on('error', (err) => {
      throw err;
    });
    toReceiver = (m) => thread.postMessage(m);
    const open = await fromReceiver.next();
    if (open.kind !== 'open') throw new Error('receiver did not connect');
  }

  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const auth = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
  // Bounded: a run that stops making progress (a lost event, an unanswered request) fails with what it waits for.
  const pending = new Set<string>();
  let progress = 0;
  let lastProgress = -1;
  const watchdog = setInterval(() => {
    if (progress !== lastProgress) {
      lastProgress = progress;
      return;
    }
    process.stderr.write(
      `no progress for 20 s: requests pending ${JSON.stringify([...pending].slice(0, 5))} (${pending.size}), ` +
        `agent StasisStart awaited for ${JSON.stringify([...waiting.keys()].slice(0, 5))} (${waiting.size})\n`,
    );
    child.kill();
    process.exit(1);
  }, 20_000);
  const call = (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const label = `${method} ${path}`;
      pending.add(label);
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
            pending.delete(label);
            progress++;
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
      `/ari/channels?endpoint=PJSIP/agent-${n}&app=${APP}&appArgs=agent,${caller}`,
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
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        if (RATE > 0) {
          const wait = started + (i * 1000) / RATE - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        await job(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  };

  // Warm-up (JIT, keep-alive sockets), not measured.
  await runPool(Math.min(200, CALLS), setUp);
  await runPool(live.length, (i) => tearDown(live[i]!));
  live.length = 0;
  // Quiet now: no event is in flight when both sides start counting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  toReceiver({ cmd: 'mark' });
  if ((await fromReceiver.next()).kind !== 'marked') throw new Error('receiver did not mark');
  child.send({ cmd: 'mark' } satisfies ToChild);
  if ((await fromChild.next()).kind !== 'marked') throw new Error('simulator did not mark');

  const t0 = performance.now();
  await runPool(CALLS, setUp);
  const setupSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const upAtOnce = live.length;
  await runPool(live.length, (i) => tearDown(live[i]!));
  const teardownSeconds = (performance.now() - t1) / 1000;
  const totalSeconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 100));

  toReceiver({ cmd: 'report' });
  const received = await fromReceiver.next();
  if (received.kind !== 'report') throw new Error('no report from the receiver');
  child.send({ cmd: 'report' } satisfies ToChild);
  const report = await fromChild.next();
  if (report.kind !== 'report') throw new Error('no report from the simulator');
  const count = report.emittedAt.length;
  if (received.receivedAt.length !== count)
    throw new Error(`simulator sent ${count} events, receiver read ${received.receivedAt.length}`);
  const latencies = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (received.receivedTypes[i] !== report.emittedTypes[i])
      throw new Error(`event ${i}: sent ${report.emittedTypes[i]}, read ${received.receivedTypes[i]}`);
    latencies[i] = received.receivedAt[i]! - report.emittedAt[i]!;
  }
  latencies.sort();
  clearInterval(watchdog);
  agent.destroy();
  await worker?.terminate();
  await childExited;

  const result = {
    bench: 'ari-sim',
    calls: CALLS,
    inFlight: IN_FLIGHT,
    rate: RATE > 0 ? RATE : 'max',
    receiver: RECEIVER_IN_MAIN ? 'load-generator-thread' : 'own-thread',
    simulator: 'one Node.js process, one event-loop thread (one core)',
    callsUpAtOnce: upAtOnce,
    setupsPerSec: Math.round(CALLS / setupSeconds),
    teardownsPerSec: Math.round(CALLS / teardownSeconds),
    callsPerSec: Math.round(CALLS / totalSeconds),
    events: count,
    eventP50Ms: Number(percentile(latencies, 50).toFixed(3)),
    eventP99Ms: Number(percentile(latencies, 99).toFixed(3)),
    eventMaxMs: Number(percentile(latencies, 100).toFixed(3)),
    simCpuMs: Math.round(report.cpuMs),
    simCpuPct: Math.round((100 * report.cpuMs) / report.wallMs),
    simGcMs: Math.round(report.gcMs),
    simGcMaxMs: Number(report.gcMaxMs.toFixed(2)),
    rssMb: Math.round(report.rssPeak / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const entry = (): Promise<void> => {
  if (!isMainThread) {
    runReceiverThread(workerData as ReceiverData);
    return Promise.resolve();
  }
  return process.argv.includes('--server') ? runServer() : runClient();
};
entry().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  // Exit now: the simulator child (which exits when its IPC channel closes) and the receiver would keep us alive.
  process.exit(1);
});
