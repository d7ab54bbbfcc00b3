/**
 * Issue 8's end-to-end benchmark: the real stack (ARI simulator -> telephony -> acd -> simulator, with
 * NATS JetStream, gRPC and Postgres, each service its own process) carries Poisson callers to one
 * single-skill queue of N agents, and what the callers lived is compared with queueing theory.
 *   npm run bench -- e2e-erlang [--agents 33 --lambda 600 --aht 180 --patience <s> --time-scale 20
 *     --duration 7200 --seed 1 --epsilon 2 --warmup 600]
 * (--duration in scenario seconds; --patience omitted = Erlang C, else Erlang A with exponential patience.)
 *
 * Measured from the simulator's outcomes (scenario time): a caller's wait runs from arrival to being
 * connected with an agent, so everything the platform adds (answer, enqueue, routing, agent originate,
 * bridge) counts. P(wait) counts callers who waited more than --epsilon seconds (the platform always
 * takes some milliseconds), compared with P(W > epsilon) of the theory.
 *
 * Sampling noise: at N = 33 and load 30 the queue is strongly correlated; even 30,000 calls of the
 * routing engine's own simulation spread +-5-7 pp in SL around Erlang C. So the very same callers
 * (arrival, talk time, patience) also go through an ideal zero-latency FCFS queue (reference-queue.ts):
 * `reference` is that, `platformEffect` = measured - reference is what the platform itself bends, and
 * `controlVariate` = theory + platformEffect is the platform's value with the sampling noise the two
 * share taken out (the control-variate estimator; its error is the noise of platformEffect). The
 * targets (P(wait) and SL within 3 pp of Erlang C; abandonment within 1 pp of Erlang A) are checked
 * on it, and the raw figures are printed beside it.
 *
 * Prints one JSON line last: the acd-erlang field names (offered answered abandoned pWait sl20
 * sl20ExcludingShortAbandons asa meanWaitAllSec occupancy expected deviation) plus reference,
 * platformEffect, controlVariate, enqueueP50Ms/P99Ms, ringingP50Ms/P99Ms, bridgedP50Ms/P99Ms (real ms,
 * from telephony's cc_telephony_call_step_seconds histograms).
 * Diagnostics: E2E_DUMP=<file> writes the simulator's outcomes; E2E_DEBUG=1 logs acd's not-ready
 * transitions and telephony's failed agent legs as they happen.
 */
import { freePort, PrivateNatsServer } from '@cc/testing';
import { erlangA, erlangC } from '@cc/acd/dist/modules/staffing/erlang.util';
import { AgentDriver } from '../src/agents';
import { CallerDriver } from '../src/callers';
import { requestJson } from '../src/http';
import { classifyCall, kpisOf, type CallResult, type SimOutcome } from '../src/kpi';
import { histogramQuantile } from '../src/prometheus';
import { acdClient, provisionWorld } from '../src/provision';
import { Random } from '../src/random';
import { runReferenceQueue } from '../src/reference-queue';
import { readWallboard } from '../src/wallboard';
import { erlangWorld } from '../src/scenario';
import { numberOption, roundTo } from '../src/options';
import { startStack, type ServiceName } from '../src/stack';
import { createStackDatabase } from '../src/stack-database';

const agents = numberOption('agents') ?? 33;
const lambda = numberOption('lambda') ?? 600;
const aht = numberOption('aht') ?? 180;
const patience = numberOption('patience');
const timeScale = numberOption('time-scale') ?? 20;
const durationS = numberOption('duration') ?? 7200;
const seed = numberOption('seed') ?? 1;
const epsilon = numberOption('epsilon') ?? 2;
// Callers of the first --warmup scenario seconds are left out of both the measurement and the reference
// (cold connections and JIT; the reference still serves them, so its state at the cut matches).
const warmupS = numberOption('warmup', { allowZero: true }) ?? 600;
const threshold = 20;
const log = (m: string): void => void process.stderr.write(`[e2e-erlang] ${m}\n`);
const round = roundTo;
const pp = (a: number, b: number): number => round((a - b) * 100, 2);

const APPS = ['crm', 'acd', 'telephony'] as const satisfies readonly ServiceName[];

function theory(): {
  pWait: number;
  sl20: number;
  asa: number;
  abandoned: number;
  occupancy: number;
  meanWaitAllSec: number;
} {
  const base = { lambda: lambda / 3600, ahtSec: aht, agents, thresholdSec: threshold };
  if (patience === undefined) {
    const c = erlangC(base);
    const decay = Math.exp(-(agents / aht - lambda / 3600) * epsilon);
    return {
      pWait: c.pWait * decay,
      sl20: c.serviceLevel,
      asa: c.asaSec,
      abandoned: 0,
      occupancy: c.occupancy,
      meanWaitAllSec: c.asaSec,
    };
  }
  const a = erlangA({ ...base, patienceSec: patience });
  return {
    pWait: a.pWait,
    sl20: a.serviceLevel,
    asa: a.asaServedSec,
    abandoned: a.abandonRate,
    occupancy: a.occupancy,
    meanWaitAllSec: a.meanWaitAllSec,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const nats = await PrivateNatsServer.start();
  const db = await createStackDatabase('e2e', APPS);
  const ports = {
    crm: { http: await freePort(), grpc: await freePort() },
    acd: { http: await freePort(), grpc: await freePort() },
    telephony: { http: await freePort(), grpc: await freePort() },
  };
  const world = erlangWorld({
    agents,
    lambdaPerHour: lambda,
    ahtS: aht,
    ...(patience !== undefined ? { patienceS: patience } : {}),
  });
  const stack = await startStack({
    databaseUrl: db.url,
    natsUrl: nats.url,
    ariPort: await freePort(),
    timeScale,
    ports,
    services: [...APPS],
    operatorToken: 'e2e-erlang-operator-token-0123456789',
    jwtSecret: 'e2e-erlang-jwt-secret-0123456789abcdef0123',
    onExit: (name, code, signal) => log(`${name} exited (${signal ?? code})`),
  });
  const acd = acdClient(stack.grpcAddress('acd') as string);
  try {
    const random = new Random(seed);
    await provisionWorld(world, { acd, telephonyUrl: stack.url('telephony') as string, timeScale }, random);
    const agentDriver = new AgentDriver(world, acd, stack.simUrl, random, timeScale);
    await agentDriver.start();
    const callers = new CallerDriver(stack.simUrl, world, new Map(), random, timeScale, 600, durationS);
    log(
      `${agents} agents, ${lambda}/h, AHT ${aht} s, ${patience === undefined ? 'no abandonment' : `patience ${patience} s`}; ${durationS} scenario s at x${timeScale} = ${Math.round(durationS / timeScale)} s`,
    );
    if (process.env.E2E_DEBUG) {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: nats.url });
      const sub = nc.subscribe('cc.*.acd.agent.>');
      void (async () => {
        for await (const m of sub) {
          const text = m.string();
          if (text.includes('not_ready')) log(`acd fact ${m.subject}: ${text.slice(0, 400)}`);
        }
      })();
      const tsub = nc.subscribe('cc.*.telephony.agent_leg.failed');
      void (async () => {
        for await (const m of tsub) log(`telephony fact ${m.subject}: ${m.string().slice(0, 400)}`);
      })();
    }
    callers.start();
    // Progress on stderr: what acd sees (waiting calls, agents by state) every 10 s.
    const progress = setInterval(() => {
      void readWallboard(world, acd, timeScale)
        .then(([row]) => {
          if (!row) return;
          const a = row.agents;
          log(
            `t=${Math.round(callers.nowS())} s: waiting ${row.waiting}, agents available ${a.available ?? 0} reserved/ringing ${(a.reserved ?? 0) + (a.ringing ?? 0)} on call ${a.onCall ?? 0} wrap-up ${a.wrapUp ?? 0} not ready ${a.notReady ?? 0}`,
          );
        })
        .catch(() => undefined);
    }, 10_000);
    await new Promise((r) => setTimeout(r, (durationS * 1000) / timeScale));
    clearInterval(progress);
    callers.stop();
    // Let every caller already in finish (served or gone).
    const drainDeadline = Date.now() + 120_000;
    let outcomes: SimOutcome[] = [];
    for (;;) {
      outcomes = (
        await requestJson<SimOutcome[]>('GET', `${stack.simUrl}/sim/v1/calls`, { timeoutMs: 30_000 })
      ).body;
      const live = outcomes.filter(
        (o) => callers.placed.has(o.channelId) && o.endedAt === null && o.connectedAt === null,
      );
      if (live.length === 0 || Date.now() > drainDeadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (process.env.E2E_DUMP)
      (await import('node:fs')).writeFileSync(process.env.E2E_DUMP, JSON.stringify(outcomes));
    const metrics = (await requestJson<string>('GET', `${stack.url('telephony')}/metrics`)).body;
    await agentDriver.stop(false);

    const measured: CallResult[] = [];
    const reference: { arrivalS: number; talkS: number; patienceS?: number }[] = [];
    const inWindow: boolean[] = [];
    const firstArrival = Math.min(
      ...outcomes.filter((o) => callers.placed.has(o.channelId)).map((o) => Date.parse(o.createdAt)),
    );
    for (const o of outcomes) {
      const plan = callers.placed.get(o.channelId);
      if (!plan) continue;
      const r = classifyCall(plan, o);
      if (r.fate === 'waiting') continue;
      const counted = (Date.parse(o.createdAt) - firstArrival) / 1000 >= warmupS;
      inWindow.push(counted);
      if (counted) measured.push(r);
      reference.push({
        arrivalS: Date.parse(o.createdAt) / 1000,
        talkS: plan.talkS,
        ...(plan.patienceS !== undefined ? { patienceS: plan.patienceS } : {}),
      });
    }
    const refResults: CallResult[] = runReferenceQueue(agents, reference)
      .filter((_, i) => inWindow[i])
      .map((r) => ({
        tenantId: 'e2e',
        queueId: 'q1',
        fate: r.answered ? 'answered' : 'abandoned',
        waitS: r.waitS,
        arrivedAtMs: 0,
      }));
    const k = kpisOf(measured, threshold, epsilon);
    const ref = kpisOf(refResults, threshold, epsilon);
    const th = theory();
    // Agent occupancy: connected time of the agents' legs over agents x the measured span.
    const agentEndpoints = new Set(world.agents.map((a) => a.endpoint));
    let busyMs = 0;
    for (const o of outcomes) {
      if (!agentEndpoints.has(o.endpoint) || o.connectedAt === null) continue;
      busyMs += Date.parse(o.endedAt ?? o.connectedAt) - Date.parse(o.connectedAt);
    }
    const occupancy = round(busyMs / 1000 / (agents * durationS)); // whole run, warm-up included
    const effect = {
      pWaitPp: pp(k.pWait, ref.pWait),
      sl20Pp: pp(k.sl20, ref.sl20),
      abandonedPp: pp(k.abandonRate, ref.abandonRate),
      asaSec: round(k.asa - ref.asa, 3),
    };
    const cv = {
      pWait: round(th.pWait + (k.pWait - ref.pWait)),
      sl20: round(th.sl20 + (k.sl20 - ref.sl20)),
      abandoned: round(th.abandoned + (k.abandonRate - ref.abandonRate)),
    };
    const q = (step: string, p: number): number | null => {
      const v = histogramQuantile(metrics, 'cc_telephony_call_step_seconds', { step }, p);
      return v === undefined ? null : round(v * 1000, 2);
    };
    const passDetail =
      patience === undefined
        ? {
            pWait: Math.abs(cv.pWait - th.pWait) <= 0.03 && Math.abs(effect.pWaitPp) <= 3,
            sl20: Math.abs(cv.sl20 - th.sl20) <= 0.03 && Math.abs(effect.sl20Pp) <= 3,
          }
        : { abandoned: Math.abs(effect.abandonedPp) <= 1 };
    console.log(
      JSON.stringify({
        bench: 'e2e-erlang',
        model: patience === undefined ? 'erlang-c' : 'erlang-a',
        agents,
        lambdaPerHour: lambda,
        ahtSec: aht,
        patienceSec: patience ?? null,
        thresholdSec: threshold,
        waitEpsilonSec: epsilon,
        timeScale,
        scenarioSeconds: durationS,
        warmupSeconds: warmupS,
        seed,
        targets:
          'P(wait) and SL within 3 pp of Erlang C; abandonment within 1 pp of Erlang A (on the control-variate estimate: theory + measured - reference)',
        offered: k.offered,
        answered: k.answered,
        abandoned: k.abandoned,
        failed: k.failed,
        pWait: k.pWait,
        sl20: k.sl20,
        sl20ExcludingShortAbandons: k.sl20ExcludingShortAbandons,
        asa: k.asa,
        abandonRate: k.abandonRate,
        meanWaitAllSec: k.meanWaitAllSec,
        occupancy,
        expected: {
          pWait: round(th.pWait),
          sl20: round(th.sl20),
          asa: round(th.asa, 3),
          abandoned: round(th.abandoned),
          occupancy: round(th.occupancy),
        },
        deviation: {
          pWaitPp: pp(k.pWait, th.pWait),
          sl20Pp: pp(k.sl20, th.sl20),
          abandonedPp: pp(k.abandonRate, th.abandoned),
          asaSec: round(k.asa - th.asa, 3),
        },
        reference: { pWait: ref.pWait, sl20: ref.sl20, asa: ref.asa, abandonRate: ref.abandonRate },
        platformEffect: effect,
        controlVariate: cv,
        enqueueP50Ms: q('enqueue', 0.5),
        enqueueP99Ms: q('enqueue', 0.99),
        ringingP50Ms: q('ringing', 0.5),
        ringingP99Ms: q('ringing', 0.99),
        bridgedP50Ms: q('bridged', 0.5),
        bridgedP99Ms: q('bridged', 0.99),
        callerRequestsRefused: callers.refused,
        loadAverage: (await import('node:os')).loadavg().map((x) => round(x, 2)),
        wallMs: Date.now() - started,
        pass: Object.values(passDetail).every(Boolean),
        passDetail,
      }),
    );
  } finally {
    acd.close();
    await stack.stop();
    await nats.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
