/**
 * Many concurrent inbound calls end to end through the ARI simulator: IVR (one prompt), enqueue in a
 * fake acd (gRPC), assignment, agent originate, answer, bridge, hang-up, facts to JetStream.
 * Prints one JSON line last: calls/s and StasisStart -> agent bridged latency p50/p99.
 * Usage: npx tsx bench/telephony-calls.bench.ts [--calls 200]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { waitFor } from '@cc/testing';
import { startHarness } from '../test/fixtures/telephony-harness';
import { callIdForChannel } from '../src/modules/calls/call-rules.util';
import { DEFAULT_TENANT_SETTINGS } from '../src/modules/entry-points/entry-point.types';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.min(v, 2000) : fallback;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

async function main(): Promise<void> {
  const calls = arg('calls', 200);
  const h = await startHarness({ timeScale: 50 });
  h.entryPoints.add({
    tenantId: h.tenantId,
    did: '+15551000',
    flowId: 'bench',
    flow: {
      start: 'q',
      steps: { q: { type: 'queue', queueId: 'sales', announceEverySeconds: 0, mohClass: 'default' } },
    },
    settings: DEFAULT_TENANT_SETTINGS,
  });
  h.sim.world.setEndpointBehaviour('PJSIP/agent-bench', { answerAfterMs: 500, hangupAfterMs: 20_000 });
  h.peers.state.agents = [{ agentId: 'agent-1', endpoint: 'PJSIP/agent-bench' }];
  await h.engine.start();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const channelIds = await Promise.all(
    Array.from({ length: calls }, (_, i) =>
      h.placeCall({ from: `+1555000${String(i).padStart(4, '0')}`, to: '+15551000' }),
    ),
  );
  const callIds = new Set(channelIds.map(callIdForChannel));
  const connected = new Map<string, number>();
  const startedAt = new Map<string, number>();
  await waitFor(
    'every call ended',
    async () => {
      const facts = await h.facts();
      for (const f of facts) {
        const id = (f.payload as { callId?: string }).callId ?? '';
        if (!callIds.has(id)) continue;
        if (f.type === 'telephony.call.started') startedAt.set(id, Date.parse(f.occurredAt));
        if (f.type === 'telephony.call.connected') connected.set(id, Date.parse(f.occurredAt));
      }
      return facts.filter((f) => f.type === 'telephony.call.ended').length >= calls;
    },
    120_000,
    250,
  );
  const elapsedS = (Date.now() - started) / 1000;
  const counts: Record<string, number> = {};
  for (const f of await h.facts()) counts[f.type] = (counts[f.type] ?? 0) + 1;
  if (process.env.BENCH_DEBUG) console.error(counts);
  loop.disable();
  const latencies = [...connected].map(([id, t]) => t - (startedAt.get(id) ?? t));
  const result = {
    calls,
    connected: connected.size,
    callsPerSec: Math.round((calls / elapsedS) * 10) / 10,
    stasisStartToBridgedP50Ms: pct(latencies, 50),
    stasisStartToBridgedP99Ms: pct(latencies, 99),
    note: 'includes the simulated agent ring time (500 ms sim = 10 ms real at time scale 50)',
    loopDelayP99Ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
    kbPerCall: Math.round((process.memoryUsage().rss - rssBefore) / 1024 / calls),
  };
  await h.close();
  console.log(JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
