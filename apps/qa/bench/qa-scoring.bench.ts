/**
 * Automatic scoring throughput: `npm run bench -- qa-scoring` (or `npx tsx bench/qa-scoring.bench.ts`).
 *
 * 1. In process (the headline, `callsPerSec`): QA_BENCH_CALLS (default 100,000) call.ended facts as
 *    raw JSON, each through what the consumer does before it writes: JSON parse, envelope and payload
 *    validation (zod), the seven automatic checks, the automatic answers scored on a scorecard of
 *    auto-scored questions, and the sampling decision (stratum by agent and ISO week in the tenant's
 *    zone, seeded systematic share, failure/new-agent/VIP rules). Three rounds; the median counts.
 * 2. Through Postgres (`dbCallsPerSec`): QA_BENCH_DB_CALLS (default 3,000) facts through the real
 *    CallFactsService in one tenant transaction each with its runOnce inbox row (calls, checks,
 *    strata counters, agents, work items), QA_BENCH_DB_CONCURRENCY (default 8) at a time.
 * Everything it creates (one database) is dropped at the end. Prints one JSON line last.
 */
import { CallEnded, createEnvelope, parseEnvelope, type EventEnvelope, type PayloadOf } from '@cc/contracts';
import { applyMigrations, createPgPool, prismaExecutor, runOnce, TenantContext } from '@cc/platform';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { QA_SCHEMA } from '../src/config/qa.config';
import { SystemClock } from '../src/infrastructure/clock';
import { QaDatabase } from '../src/infrastructure/qa-database';
import { DEFAULT_CHECK_LIMITS } from '../src/modules/auto-checks/auto-check.model';
import { autoAnswer, failedChecks, runAutoChecks } from '../src/modules/auto-checks/auto-checks.util';
import { CallFactsService } from '../src/modules/calls/call-facts.service';
import { CallsRepository } from '../src/modules/calls/calls.repository';
import { validateScorecard } from '../src/modules/scorecards/scorecard-validation.util';
import type { Answers } from '../src/modules/scorecards/scorecard.model';
import { scoreEvaluation } from '../src/modules/scoring/scoring.util';
import {
  decideSampling,
  DEFAULT_SAMPLING_RULES,
  type StratumCounter,
  stratumKey,
} from '../src/modules/sampling/sampling.util';
import { QaSettingsRepository } from '../src/modules/settings/qa-settings.repository';
import { WorkItemsRepository } from '../src/modules/work-items/work-items.repository';

const CALLS = Number(process.env.QA_BENCH_CALLS ?? 100_000);
const DB_CALLS = Number(process.env.QA_BENCH_DB_CALLS ?? 3_000);
const DB_CONCURRENCY = Number(process.env.QA_BENCH_DB_CONCURRENCY ?? 8);
const ROUNDS = 3;
const AGENTS = 200;
const TENANT = 'bench_qa';
const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const VETERAN_SINCE = new Date('2025-01-01T00:00:00Z');

/** A deterministic spread of calls: 8% unanswered, a few long holds, waits, transfers, short calls. */
function fact(i: number): EventEnvelope<PayloadOf<typeof CallEnded>> {
  const answered = i % 12 !== 0;
  const start = Date.UTC(2026, 10, 16) + i * 6_000; // one call every 6 s: ~a week per 100,000 calls
  return createEnvelope(
    CallEnded,
    TENANT,
    {
      callId: `call-${i}`,
      direction: i % 7 === 0 ? 'outbound' : 'inbound',
      from: `+4930${20_000_000 + i}`,
      to: '+41440000000',
      queueId: `q${i % 5}`,
      ...(answered
        ? { agentId: `agent-${i % AGENTS}`, answeredAt: new Date(start + 20_000).toISOString() }
        : {}),
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + 200_000).toISOString(),
      waitMs: i % 15 === 0 ? 90_000 : (i * 7_919) % 45_000,
      talkMs: answered ? (i % 50 === 0 ? 5_000 : 30_000 + ((i * 104_729) % 600_000)) : 0,
      holdMs: i % 20 === 0 ? 180_000 : (i * 31) % 60_000,
      holdCount: i % 25 === 0 ? 3 : i % 3,
      transferCount: i % 40 === 0 ? 2 : i % 5 === 0 ? 1 : 0,
      hangupBy: 'caller',
      ...(i % 30 === 0 ? {} : { disposition: 'resolved' }),
      ...(i % 3 === 0 ? { recordingId: `rec-${i}` } : {}),
    },
    { id: `ev-${i}` },
  );
}

const AUTO_SCORECARD = (() => {
  const checks = [
    'hold_over_limit',
    'too_many_holds',
    'long_wait',
    'transfers',
    'short_call',
    'missing_disposition',
  ];
  const check = validateScorecard({
    name: 'Automatic',
    passScore: 80,
    sections: [
      {
        id: 'auto',
        title: 'Automatic checks',
        weight: 100,
        questions: [
          ...checks.map((autoCheck) => ({
            id: autoCheck.replace(/_/g, '-'),
            type: 'yes_no',
            text: autoCheck,
            weight: 15,
            autoCheck,
          })),
          {
            id: 'consent',
            type: 'yes_no',
            text: 'consent',
            weight: 10,
            autoCheck: 'recording_consent',
            critical: true,
            failAnswers: ['no'],
          },
        ],
      },
    ],
  });
  if (!check.ok) throw new Error(JSON.stringify(check.violations));
  return check.definition;
})();
const AUTO_QUESTIONS = AUTO_SCORECARD.sections[0]!.questions.map((q) => ({
  id: q.id,
  check: q.type === 'yes_no' ? q.autoCheck! : undefined,
}));

/** One round of the in-process pipeline over every raw fact; returns calls/s and a checksum. */
function pipelineRound(raw: string[]): {
  callsPerSec: number;
  sampled: number;
  failed: number;
  scoreSum: number;
} {
  const counters = new Map<string, StratumCounter>();
  // Agents who started long ago (the new-agent rule would otherwise pick every call of the week).
  const firstCall = new Map<string, Date>(
    Array.from({ length: AGENTS }, (_, a) => [`agent-${a}`, VETERAN_SINCE]),
  );
  let sampled = 0;
  let failed = 0;
  let scoreSum = 0;
  const started = process.hrtime.bigint();
  for (const text of raw) {
    const envelope = parseEnvelope(CallEnded, JSON.parse(text));
    const p = envelope.payload;
    const results = runAutoChecks(
      {
        answered: p.answeredAt !== undefined && p.agentId !== undefined,
        direction: p.direction,
        waitMs: p.waitMs,
        talkMs: p.talkMs,
        holdMs: p.holdMs,
        holdCount: p.holdCount,
        transferCount: p.transferCount,
        disposition: p.disposition ?? null,
        recordingId: p.recordingId ?? null,
        consentPlayed: p.recordingId ? !p.callId.endsWith('7') : null,
      },
      DEFAULT_CHECK_LIMITS,
    );
    const failures = failedChecks(results).length;
    failed += failures;
    const outcomes = new Map(results.map((r) => [r.check, r.outcome]));
    const answers: Answers = {};
    for (const q of AUTO_QUESTIONS) answers[q.id] = autoAnswer(outcomes.get(q.check!) ?? 'na');
    scoreSum += scoreEvaluation(AUTO_SCORECARD, answers).score ?? 0;
    if (!p.agentId) continue;
    const endedAt = new Date(p.endedAt);
    const { week } = stratumKey(p.agentId, endedAt, 'Europe/Zurich');
    const key = `${p.agentId}/${week}`;
    if (!firstCall.has(p.agentId)) firstCall.set(p.agentId, endedAt);
    const decision = decideSampling({
      tenantId: TENANT,
      call: {
        callId: p.callId,
        agentId: p.agentId,
        endedAt,
        failedChecks: failures,
        valueTier: null,
        customerId: null,
      },
      counter: counters.get(key) ?? { seen: 0, picked: 0 },
      week,
      agentFirstCallAt: firstCall.get(p.agentId)!,
      rules: DEFAULT_SAMPLING_RULES,
      seed: 'bench',
    });
    counters.set(key, decision.counter);
    if (decision.reasons.length > 0) sampled += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { callsPerSec: raw.length / seconds, sampled, failed, scoreSum };
}

async function databaseRound(): Promise<{ dbCallsPerSec: number; workItems: number }> {
  const database = `qa_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  const pool = createPgPool({
    url: url.toString(),
    schema: QA_SCHEMA,
    role: 'cc_app',
    max: DB_CONCURRENCY + 2,
  });
  let qa: QaDatabase | undefined;
  try {
    await applyMigrations({
      url: url.toString(),
      schema: QA_SCHEMA,
      migrationsDir: join(__dirname, '../prisma/migrations'),
    });
    qa = new QaDatabase(pool);
    const owner = new Client({ connectionString: url.toString() });
    await owner.connect();
    await owner.query(
      `INSERT INTO ${QA_SCHEMA}.agent (tenant_id, agent_id, first_call_at) SELECT $1, 'agent-' || a, $2 FROM generate_series(0, $3) a`,
      [TENANT, VETERAN_SINCE, AGENTS - 1],
    );
    const service = new CallFactsService(
      new CallsRepository(),
      new WorkItemsRepository(),
      new QaSettingsRepository(),
      new SystemClock(),
    );
    const facts = Array.from({ length: DB_CALLS }, (_, i) => fact(i));
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: DB_CONCURRENCY }, async () => {
        for (let i = next++; i < facts.length; i = next++) {
          const envelope = facts[i]!;
          await TenantContext.run({ tenantId: TENANT }, () =>
            qa!.tenant((tx, tenantId) =>
              runOnce(prismaExecutor(tx), { consumer: 'qa-call-facts', eventId: envelope.id }, () =>
                service.callEnded(tx, tenantId, envelope.payload),
              ),
            ),
          );
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const items = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${QA_SCHEMA}.work_item`);
    await owner.end();
    return { dbCallsPerSec: DB_CALLS / seconds, workItems: items.rows[0]?.n ?? 0 };
  } finally {
    await qa?.onModuleDestroy();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const raw = Array.from({ length: CALLS }, (_, i) => JSON.stringify(fact(i)));
  pipelineRound(raw.slice(0, 5_000)); // warm-up (JIT)
  const rounds = Array.from({ length: ROUNDS }, () => pipelineRound(raw));
  const sorted = [...rounds].sort((a, b) => a.callsPerSec - b.callsPerSec);
  const median = sorted[Math.floor(ROUNDS / 2)]!;
  const db = DB_CALLS > 0 ? await databaseRound() : undefined;
  const result = {
    benchmark: 'qa-scoring',
    calls: CALLS,
    callsPerSec: Math.round(median.callsPerSec),
    callsPerSecRounds: rounds.map((r) => Math.round(r.callsPerSec)),
    targetCallsPerSec: 5_000,
    sampledShare: round(median.sampled / CALLS, 4),
    failedChecksPerCall: round(median.failed / CALLS, 3),
    meanAutoScore: round(median.scoreSum / CALLS, 2),
    ...(db
      ? {
          dbCalls: DB_CALLS,
          dbConcurrency: DB_CONCURRENCY,
          dbCallsPerSec: Math.round(db.dbCallsPerSec),
          dbWorkItems: db.workItems,
        }
      : {}),
    loadAverage1m: round(loadavg()[0]!, 2),
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
