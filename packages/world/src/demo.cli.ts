#!/usr/bin/env node
/**
 * The living contact center (`npm run demo`, after scripts/demo.mjs has ensured dependencies, Postgres,
 * NATS, the build and the migrations): starts the ARI simulator and every service, provisions three
 * tenants of an outsourcer with a shared agent pool, then drives Poisson callers and agents at
 * `--time-scale` (default 20: a busy hour in 3 minutes) with a live wallboard.
 *   --duration <s>   run that many real seconds, then stop and print the final KPIs
 *   --json           headless: one JSON line when ready (gatewayUrl, operatorToken, tenants + API keys),
 *                    the final KPIs as one JSON line, last
 *   --time-scale <k> --seed <n> --free-ports (a stack beside another)
 */
import { randomBytes } from 'node:crypto';
import { AgentDriver } from './agents';
import { CallerDriver } from './callers';
import { CallFactsWatch } from './facts-watch';
import { requestJson } from './http';
import type { SimOutcome } from './kpi';
import { DEMO_PORTS, freePorts } from './ports';
import { acdClient, provisionWorld } from './provision';
import { Random } from './random';
import { buildReport } from './report';
import { numberOption } from './options';
import { demoWorld } from './scenario';
import { type RunningStack, startStack } from './stack';
import { readWallboard, renderWallboard } from './wallboard';

const json = process.argv.includes('--json');
let durationS: number | undefined;
let timeScale = 20;
let seed = 20261123;
try {
  durationS = numberOption('duration');
  timeScale = numberOption('time-scale') ?? timeScale;
  seed = numberOption('seed') ?? seed;
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const say = (m: string): void => void (json ? process.stderr.write(`${m}\n`) : console.log(m));

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/callcenter';
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const ports = process.argv.includes('--free-ports') ? await freePorts() : DEMO_PORTS;
  const operatorToken = process.env.CC_OPERATOR_TOKEN ?? `demo-${randomBytes(18).toString('base64url')}`;
  const world = demoWorld();
  const random = new Random(seed);
  // Set once the stack runs: a service that dies before the world is up still stops the others.
  const running: { stack?: RunningStack } = {};
  let finishing = false;
  const stopEverything = async (code: number): Promise<never> => {
    await running.stack?.stop();
    process.exit(code);
  };

  say('[demo] starting the ARI simulator and the services...');
  const stack = await startStack({
    databaseUrl,
    natsUrl,
    ariPort: ports.ari,
    timeScale,
    ports: ports.services,
    services: ['crm', 'acd', 'telephony', 'campaign', 'qa', 'gateway'],
    operatorToken,
    jwtSecret: process.env.CC_JWT_SECRET ?? 'demo-jwt-secret-0123456789abcdef0123456789',
    onExit: (name, code, signal) => {
      if (finishing) return;
      say(`[demo] ${name} exited (${signal ?? code}); stopping everything`);
      void stopEverything(1);
    },
  });
  running.stack = stack;
  for (const s of stack.started) say(`[demo] ready: ${s.name} at ${s.url}`);
  if (stack.missing.length > 0) say(`[demo] not built, skipped: ${stack.missing.join(', ')}`);

  try {
    await runWorld(stack);
  } catch (error) {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    await stopEverything(1);
  }

  async function runWorld(stack: RunningStack): Promise<void> {
    const acdAddress = stack.grpcAddress('acd');
    const telephonyUrl = stack.url('telephony');
    if (!acdAddress || !telephonyUrl) throw new Error('acd and telephony are needed for the demo');
    const acd = acdClient(acdAddress);
    const gatewayUrl = stack.url('gateway');
    const crmUrl = stack.url('crm');
    say('[demo] provisioning tenants, queues, agents and customers...');
    const tenants = await provisionWorld(
      world,
      {
        acd,
        telephonyUrl,
        ...(crmUrl ? { crmUrl } : {}),
        ...(gatewayUrl ? { gateway: { url: gatewayUrl, operatorToken } } : {}),
        timeScale,
      },
      random,
    );
    const facts = await CallFactsWatch.start(natsUrl);
    const agents = new AgentDriver(world, acd, stack.simUrl, random, timeScale);
    await agents.start();
    const callers = new CallerDriver(
      stack.simUrl,
      world,
      new Map(tenants.map((t) => [t.id, t.customerNumbers])),
      random,
      timeScale,
    );
    callers.start();

    const access = {
      gatewayUrl: gatewayUrl ?? null,
      operatorToken,
      tenants: tenants.map((t) => ({ id: t.id, name: t.name, apiKey: t.apiKey ?? null })),
    };
    if (json) console.log(JSON.stringify(access));
    else {
      say(`\n[demo] gateway: ${gatewayUrl} (API docs: ${gatewayUrl}/docs)`);
      say(`[demo] operator token: ${operatorToken}   (Authorization: Bearer <token> on /admin/v1)`);
      for (const t of access.tenants) say(`[demo] ${t.name} (${t.id}): API key ${t.apiKey}`);
    }

    const interactive = !json && process.stdout.isTTY;
    const header = (): string =>
      `Callcenter demo: ${world.tenants.length} tenants, ${world.agents.length} agents, time x${timeScale}; scenario ${(callers.nowS() / 3600).toFixed(2)} h (${String(Math.floor(((world.startHour ?? 0) * 3600 + callers.nowS()) / 3600) % 24).padStart(2, '0')}:${String(Math.floor((callers.nowS() % 3600) / 60)).padStart(2, '0')}), ${callers.placed.size} calls placed, ${agents.breaksTaken} breaks. Ctrl-C to stop.`;
    const board = setInterval(
      () => {
        void readWallboard(world, acd, timeScale)
          .then((rows) => {
            const text = renderWallboard(rows, header());
            if (interactive)
              process.stdout.write(
                `\x1b[2J\x1b[H${text}\n\n gateway ${gatewayUrl}  operator token ${operatorToken}\n`,
              );
            else if (!json) console.log(`${text}\n`);
          })
          .catch(() => undefined);
      },
      interactive ? 2000 : 15_000,
    );

    const finish = async (): Promise<void> => {
      if (finishing) return;
      finishing = true;
      clearInterval(board);
      callers.stop();
      const outcomes = (
        await requestJson<SimOutcome[]>('GET', `${stack.simUrl}/sim/v1/calls`, { timeoutMs: 30_000 })
      ).body;
      const report = buildReport(world, outcomes, callers.placed, (id) => facts.verbsOf(id));
      await agents.stop(true);
      await facts.stop();
      acd.close();
      await stack.stop();
      const final = {
        ...report,
        timeScale,
        scenarioHours: Math.round((callers.nowS() / 3600) * 100) / 100,
        callsPlaced: callers.placed.size,
      };
      if (!json)
        say('\n[demo] final KPIs (scenario seconds; SL = answered within 20 s / answered + abandoned):');
      console.log(JSON.stringify(final));
      process.exit(0);
    };
    process.on('SIGINT', () => void finish());
    process.on('SIGTERM', () => void finish());
    if (durationS !== undefined) setTimeout(() => void finish(), durationS * 1000);
  }
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
