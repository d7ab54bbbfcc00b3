import {
  AgentScoreChanged,
  CallEnded,
  CallQueued,
  createEnvelope,
  type EventEnvelope,
  type PayloadOf,
  RecordingReady,
  subjectOf,
} from '@cc/contracts';
import { domainStream, type MessageOutcome, publishEnvelope } from '@cc/platform';
import { randomSuffix, type TestDatabase, waitFor } from '@cc/testing';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import request from 'supertest';
import { supportScorecard } from './fixtures/scorecards';
import { callEnded, recordingReady } from './call-facts.fixture';
import { problemFields, type QaTestApp, qaTestDatabase, startQaTestApp, uniqueTenants } from './qa-test-app';

interface WorkItemBody {
  id: string;
  callId: string;
  agentId: string;
  analystId: string | null;
  reasons: string[];
  status: string;
  evaluationId: string | null;
}

describe('qa: from call facts to sampled work items to a submitted evaluation to the score fact', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const prefix = `TQA${randomSuffix().toUpperCase()}_`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: TestDatabase;
  let qa: QaTestApp;
  const outcomes: MessageOutcome[] = [];
  let scorecardId: string;

  const publish = async (
    envelope: EventEnvelope,
    definition = CallEnded as typeof CallEnded | typeof CallQueued | typeof RecordingReady,
  ) => {
    return publishEnvelope(jetstream(nc), subjectOf(definition, envelope.tenantId), envelope);
  };
  /** Waits until the consumer committed these facts (their inbox rows exist). */
  const handled = (...facts: EventEnvelope[]) =>
    waitFor(
      `${facts.length} facts handled`,
      async () =>
        (
          await qa.ownerQuery<{ n: number }>(
            `SELECT count(*)::int AS n FROM processed_event WHERE consumer = 'qa-call-facts' AND event_id = ANY($1)`,
            [facts.map((f) => f.id)],
          )
        )[0]!.n === facts.length,
      15_000,
    );
  const workItems = async (tenantId: string, query = '') =>
    (await qa.http(tenantId).get(`/v1/qa/work-items${query}`).expect(200)).body.items as WorkItemBody[];

  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
    // Telephony owns this stream in production; the suite plays telephony, with a short duplicate
    // window so that the same fact can be stored (and so redelivered) twice.
    await jsm.streams.add({
      name: `${prefix}CC_TELEPHONY`,
      subjects: domainStream('telephony', { tenants: [tenantA, tenantB] }).subjects,
      duplicate_window: 100_000_000,
    });
    db = await qaTestDatabase();
    qa = await startQaTestApp({
      db,
      messaging: { streamPrefix: prefix, tenants: [tenantA, tenantB] },
      onCallFactOutcome: (o) => outcomes.push(o),
      outboxRelay: { pollMs: 50 },
    });
    const created = await qa.http(tenantA).post('/v1/qa/scorecards', supportScorecard()).expect(201);
    scorecardId = created.body.id as string;
    await qa
      .http(tenantA)
      .put('/v1/qa/settings', {
        analystIds: ['ann', 'bob'],
        samplingSeed: 'seed-1',
        samplingRules: { agentShare: 0.5, minPerAgentWeek: 0, newAgentDays: 0, vipMinTier: 4 },
        defaultScorecardId: scorecardId,
      })
      .expect(200);
  });

  afterAll(async () => {
    await qa?.close();
    for (const stream of ['CC_TELEPHONY', 'CC_QA', 'CC_DLQ'])
      await jsm.streams.delete(`${prefix}${stream}`).catch(() => false);
    await nc.drain();
    await db.drop();
  });

  it('scores the automatic checks of every call and samples by the rules, once per fact', async () => {
    // agent-2: four clean calls in one week; the share rule (50%) picks exactly two of them
    const clean = [0, 1, 2, 3].map((i) =>
      callEnded(tenantA, {
        agentId: 'agent-2',
        endedAt: `2026-11-23T1${i}:05:00Z`,
        startedAt: `2026-11-23T1${i}:00:00Z`,
      }),
    );
    // agent-3: a long hold (auto-check failure) and a VIP caller (tier from call.queued)
    const held = callEnded(tenantA, { agentId: 'agent-3', holdMs: 300_000, holdCount: 1 });
    const vip = callEnded(tenantA, { agentId: 'agent-3', endedAt: '2026-11-23T09:06:00Z' });
    const queued = createEnvelope(CallQueued, tenantA, {
      callId: vip.payload.callId,
      direction: 'inbound',
      queueId: 'support',
      priority: 5,
      skills: [],
      valueTier: 4,
    });
    await publish(queued, CallQueued);
    for (const fact of [...clean, held, vip]) await publish(fact);
    await handled(queued, ...clean, held, vip);

    const items = await workItems(tenantA);
    const byCall = new Map(items.map((i) => [i.callId, i]));
    expect(byCall.get(held.payload.callId)?.reasons).toContain('auto_check_failure');
    expect(byCall.get(vip.payload.callId)?.reasons).toContain('vip_caller');
    expect(clean.filter((c) => byCall.get(c.payload.callId)?.reasons.includes('agent_share'))).toHaveLength(
      2,
    );
    // every item has an analyst, and the two analysts share the load
    expect(new Set(items.map((i) => i.analystId))).toEqual(new Set(['ann', 'bob']));

    const call = await qa.http(tenantA).get(`/v1/qa/calls/${held.payload.callId}`).expect(200);
    expect(call.body.checks).toContainEqual({
      check: 'hold_over_limit',
      outcome: 'fail',
      observed: 300_000,
      limit: 120_000,
    });
    expect(call.body.failedChecks).toBe(1);

    // the same fact again (past the stream's duplicate window): no second effect
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = outcomes.length;
    expect((await publish(held)).duplicate).toBe(false);
    await waitFor('the redelivery', () => outcomes.length > before);
    expect((await workItems(tenantA)).filter((i) => i.callId === held.payload.callId)).toHaveLength(1);
    const strata = await qa.ownerQuery<{ seen: number }>(
      `SELECT seen FROM sampling_stratum WHERE tenant_id = $1 AND agent_id = 'agent-3'`,
      [tenantA],
    );
    expect(strata).toEqual([{ seen: 2 }]);
    const metrics = (await request(qa.app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(
      /qa_auto_check_results_total\{check="hold_over_limit",outcome="fail",service="qa"\} 1\b/,
    );
    expect(metrics).toMatch(/qa_work_item_reasons_total\{reason="vip_caller",service="qa"\} 1\b/);
  });

  it('sends a call to an analyst when recording.ready later shows the consent message did not play', async () => {
    const call = callEnded(tenantA, { agentId: 'agent-4', recordingId: 'rec-late' });
    await qa
      .http(tenantA)
      .put('/v1/qa/settings', { samplingRules: { agentShare: 0 } })
      .expect(200);
    await publish(call);
    await handled(call);
    expect((await workItems(tenantA)).some((i) => i.callId === call.payload.callId)).toBe(false);
    const checks = await qa.http(tenantA).get(`/v1/qa/calls/${call.payload.callId}`).expect(200);
    expect(checks.body.checks).toContainEqual(
      expect.objectContaining({ check: 'recording_consent', outcome: 'pending' }),
    );

    const recording = recordingReady(tenantA, call.payload.callId, false);
    await publish(recording, RecordingReady);
    await handled(recording);
    const item = (await workItems(tenantA)).find((i) => i.callId === call.payload.callId);
    expect(item?.reasons).toEqual(['auto_check_failure']);
    await qa
      .http(tenantA)
      .put('/v1/qa/settings', { samplingRules: { agentShare: 0.5 } })
      .expect(200);
  });

  it('takes a work item through evaluation, and publishes qa.agent.score_changed', async () => {
    const held = (await workItems(tenantA)).find(
      (i) => i.reasons.includes('auto_check_failure') && i.agentId === 'agent-3',
    )!;
    const analyst = held.analystId!;
    const draft = await qa
      .http(tenantA)
      .post('/v1/qa/evaluations', { callId: held.callId, analystId: analyst })
      .expect(201);
    expect(draft.body).toMatchObject({
      status: 'draft',
      workItemId: held.id,
      scorecard: { id: scorecardId, version: 1 },
      // automatic questions answered from the checks: the hold failed, no recording = N/A
      answers: { hold: 'no', consent: 'na' },
    });
    const id = draft.body.id as string;
    expect((await workItems(tenantA, `?analystId=${analyst}&status=in_progress`)).map((i) => i.id)).toContain(
      held.id,
    );

    // submitting before every question is answered names the missing ones
    const incomplete = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/submit`, { actorId: analyst })
      .expect(400);
    expect(incomplete.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(problemFields(incomplete.body)).toEqual([
      'answers.greeting',
      'answers.identity',
      'answers.outcome',
      'answers.empathy',
    ]);

    await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/answers`, {
        actorId: analyst,
        answers: { greeting: 'yes', identity: 'yes', outcome: 'resolved', empathy: 3 },
      })
      .expect(200);
    await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/comments`, {
        authorId: analyst,
        offsetMs: 95_000,
        text: 'long hold here',
      })
      .expect(201);
    const submitted = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/submit`, { actorId: analyst })
      .expect(200);
    // opening: greeting 30 + identity 40 + hold 0 of 85 (consent N/A re-weighted); resolution: 50 + 30 x 0.5 of 80
    const expected = (70 / 85) * 40 + (65 / 80) * 60;
    expect(submitted.body.score).toBeCloseTo(expected, 3);
    expect(submitted.body).toMatchObject({ status: 'submitted', criticalFailed: false, passed: true });
    expect(submitted.body.comments).toEqual([
      expect.objectContaining({ offsetMs: 95_000, text: 'long hold here' }),
    ]);
    expect((await workItems(tenantA, '?status=done')).map((i) => i.id)).toContain(held.id);

    const fact = await waitFor('the score fact', () =>
      jsm.streams
        .getMessage(`${prefix}CC_QA`, { last_by_subj: subjectOf(AgentScoreChanged, tenantA) })
        .then((m) => m ?? undefined)
        .catch(() => undefined),
    );
    expect(fact.json<EventEnvelope<PayloadOf<typeof AgentScoreChanged>>>()).toMatchObject({
      type: 'qa.agent.score_changed',
      tenantId: tenantA,
      payload: {
        agentId: 'agent-3',
        previousScore: null,
        evaluationCount: 1,
        windowDays: 30,
        evaluationId: id,
      },
    });
    // the evaluator's screen: the evaluation with its call's timeline, parties and checks
    const screen = await qa.http(tenantA).get(`/v1/qa/evaluations/${id}`).expect(200);
    expect(screen.body.call).toMatchObject({
      callId: held.callId,
      agentId: 'agent-3',
      from: '+41795550011',
      timeline: { holdMs: 300_000, waitMs: 20_000, answeredAt: '2026-11-23T09:00:20.000Z' },
    });
    const scores = await qa.http(tenantA).get('/v1/qa/agents/agent-3/scores?period=week').expect(200);
    expect(scores.body.current).toMatchObject({ agentId: 'agent-3', evaluations: 1 });
    expect(scores.body.current.score).toBeCloseTo(expected, 1);

    // the agent disputes; a supervisor resolves with a corrected answer, and the score moves again
    await qa.http(tenantA).post(`/v1/qa/evaluations/${id}/acknowledge`, { actorId: 'agent-9' }).expect(412);
    await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/dispute`, {
        actorId: 'agent-3',
        reason: 'the hold was the customer asking',
      })
      .expect(200);
    await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/resolve`, { actorId: 'agent-3', note: 'mine' })
      .expect(412);
    const resolved = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${id}/resolve`, {
        actorId: 'supervisor-1',
        note: 'hold was justified',
        answers: { hold: 'yes' },
      })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { by: 'supervisor-1' } });
    expect(resolved.body.score).toBeCloseTo((85 / 85) * 40 + (65 / 80) * 60, 3);
    await waitFor('the second score fact', async () => {
      const m = await jsm.streams.getMessage(`${prefix}CC_QA`, {
        last_by_subj: subjectOf(AgentScoreChanged, tenantA),
      });
      return m?.json<EventEnvelope<PayloadOf<typeof AgentScoreChanged>>>().payload.previousScore !== null;
    });
  });

  it('fails the whole evaluation on a critical answer', async () => {
    const call = (await workItems(tenantA)).find((i) => i.status === 'open' && i.agentId === 'agent-2')!;
    const draft = await qa
      .http(tenantA)
      .post('/v1/qa/evaluations', {
        callId: call.callId,
        analystId: call.analystId,
        answers: { greeting: 'yes', identity: 'no', outcome: 'resolved', empathy: 5 },
      })
      .expect(201);
    const submitted = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${draft.body.id as string}/submit`, { actorId: call.analystId })
      .expect(200);
    expect(submitted.body).toMatchObject({
      score: 0,
      percent: 0,
      criticalFailed: true,
      criticalFailures: ['identity'],
      passed: false,
    });
  });

  it('keeps an evaluation on its scorecard version when a new version is published', async () => {
    const call = (await workItems(tenantA)).find((i) => i.status === 'open' && i.agentId === 'agent-2')!;
    const draft = await qa
      .http(tenantA)
      .post('/v1/qa/evaluations', { callId: call.callId, analystId: call.analystId })
      .expect(201);
    const v2 = supportScorecard();
    v2.sections[0]!.weight = 70;
    v2.sections[1]!.weight = 30;
    const published2 = await qa.http(tenantA).put(`/v1/qa/scorecards/${scorecardId}`, v2).expect(200);
    expect(published2.body).toMatchObject({ version: 2 });
    const submitted = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${draft.body.id as string}/answers`, {
        actorId: call.analystId,
        answers: { greeting: 'no', identity: 'yes', outcome: 'resolved', empathy: 5 },
      })
      .expect(200);
    expect(submitted.body.scorecard).toEqual({ id: scorecardId, version: 1 });
    const done = await qa
      .http(tenantA)
      .post(`/v1/qa/evaluations/${draft.body.id as string}/submit`, { actorId: call.analystId })
      .expect(200);
    // version 1 weights (40/60): the opening earned identity 40 + hold 15 (passed) of 85 (consent
    // N/A: no recording); version 2 would give 55/85 x 70 + 30
    expect(done.body.answers).toMatchObject({ hold: 'yes', consent: 'na' });
    expect(done.body.score).toBeCloseTo((55 / 85) * 40 + 60, 3);
  });

  it('runs a calibration session and reports the spread per question', async () => {
    const call = (await workItems(tenantA, '?status=done'))[0]!;
    const session = await qa
      .http(tenantA)
      .post('/v1/qa/calibrations', {
        callId: call.callId,
        scorecardId,
        scorecardVersion: 1,
        analystIds: ['ann', 'bob', 'cid'],
      })
      .expect(201);
    const evaluations = session.body.evaluations as { analystId: string; evaluationId: string }[];
    expect(evaluations).toHaveLength(3);
    const empathy: Record<string, number> = { ann: 5, bob: 3, cid: 1 };
    for (const e of evaluations) {
      await qa
        .http(tenantA)
        .post(`/v1/qa/evaluations/${e.evaluationId}/answers`, {
          actorId: e.analystId,
          answers: { greeting: 'yes', identity: 'yes', outcome: 'resolved', empathy: empathy[e.analystId]! },
        })
        .expect(200);
      await qa
        .http(tenantA)
        .post(`/v1/qa/evaluations/${e.evaluationId}/submit`, { actorId: e.analystId })
        .expect(200);
    }
    const report = await qa
      .http(tenantA)
      .get(`/v1/qa/calibrations/${session.body.id as string}`)
      .expect(200);
    const question = (
      report.body.report.questions as { questionId: string; points: { range: number }; agreement: number }[]
    ).find((q) => q.questionId === 'empathy')!;
    expect(question.points.range).toBe(100);
    expect(question.agreement).toBeCloseTo(1 / 3, 4);
    expect(report.body.report.evaluations).toBe(3);
    // calibration evaluations do not count in the agent's score
    const agent = await qa.http(tenantA).get(`/v1/qa/agents/${call.agentId}/scores`).expect(200);
    const counted = await qa.ownerQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM evaluation WHERE tenant_id = $1 AND agent_id = $2 AND kind = 'standard' AND status <> 'draft'`,
      [tenantA, call.agentId],
    );
    expect(agent.body.current.evaluations).toBe(Number(counted[0]!.n));
  });
});
