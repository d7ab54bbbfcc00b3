import request from 'supertest';
import type { App } from 'supertest/types';
import { callEnded } from './call-facts.fixture';
import { supportScorecard } from './fixtures/scorecards';
import { problemFields, type QaTestApp, startQaTestApp, uniqueTenants } from './qa-test-app';

/** Bad input at every REST edge: 4xx problem+json naming the field and the rule, nothing half-written. */
describe('qa REST: bad input is refused with the field named', () => {
  const [tenant] = uniqueTenants(1) as [string];
  let qa: QaTestApp;
  let scorecardId: string;
  let callId: string;
  let evaluationId: string;

  beforeAll(async () => {
    qa = await startQaTestApp();
    const t = qa.http(tenant);
    scorecardId = (await t.post('/v1/qa/scorecards', supportScorecard()).expect(201)).body.id as string;
    const call = callEnded(tenant, { agentId: 'agent-1' });
    callId = call.payload.callId;
    await qa.ingest(call);
    evaluationId = (await t.post('/v1/qa/evaluations', { callId, analystId: 'ann', scorecardId }).expect(201))
      .body.id as string;
  });

  afterAll(async () => {
    await qa?.close();
  });

  /** Sends a request and returns the problem's `field rule` pairs, checking the media type. */
  async function problems(test: request.Test, status = 400) {
    const res = await test.expect(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    return (res.body as { errors: { field: string; rule: string }[] }).errors.map(
      (e) => `${e.field} ${e.rule}`,
    );
  }

  it('refuses a missing or malformed tenant', async () => {
    const server = qa.app.getHttpServer() as App;
    const missing = await request(server).get('/v1/qa/scorecards').expect(401);
    expect(missing.body).toMatchObject({ code: 'tenant_missing' });
    const bad = await request(server).get('/v1/qa/scorecards').set('x-tenant-id', 'Not A Tenant').expect(400);
    expect(problemFields(bad.body)).toEqual(['headers.x-tenant-id']);
  });

  it('settings', async () => {
    const t = qa.http(tenant);
    expect(
      await problems(
        t.put('/v1/qa/settings', { samplingRules: { agentShare: 2 }, timeZone: 'Mars/Base', extra: 1 }),
      ),
    ).toEqual(
      ['body.samplingRules.agentShare too_big', 'body.timeZone custom', 'body unrecognized_keys'].map((x) =>
        x.replace(' (root)', ''),
      ),
    );
  });

  it('scorecards: a bad form is refused with every reason, and nothing is saved', async () => {
    const t = qa.http(tenant);
    const bad = supportScorecard();
    bad.sections[0]!.weight = 50;
    Object.assign(bad.sections[0]!.questions[1]!, { failAnswers: [] });
    expect(await problems(t.post('/v1/qa/scorecards', bad))).toEqual([
      'body.sections weights_sum',
      'body.sections.0.questions.1.failAnswers critical_without_fail_answer',
    ]);
    expect(
      await problems(t.put(`/v1/qa/scorecards/${scorecardId}`, { ...supportScorecard(), maxScore: -1 })),
    ).toEqual(['body.maxScore too_small']);
    expect(await problems(t.get(`/v1/qa/scorecards/${scorecardId}?version=first`))).toEqual([
      'query.version invalid_type',
    ]);
    const rows = await qa.ownerQuery('SELECT id, version FROM scorecard WHERE tenant_id = $1', [tenant]);
    expect(rows).toEqual([{ id: scorecardId, version: 1 }]);
    const dry = await t.post('/v1/qa/scorecards/validate', bad).expect(200);
    expect(dry.body.valid).toBe(false);
    expect(dry.body.errors).toHaveLength(2);
  });

  it('evaluations: creation, answers, comments, disputes', async () => {
    const t = qa.http(tenant);
    expect(await problems(t.post('/v1/qa/evaluations', {}))).toEqual([
      'body.callId invalid_type',
      'body.analystId invalid_type',
    ]);
    expect(
      await problems(
        t.post('/v1/qa/evaluations', {
          callId,
          analystId: 'ann',
          scorecardId,
          answers: { greeting: 'maybe', hold: 'yes' },
        }),
      ),
    ).toEqual(['body.answers.greeting answer', 'body.answers.hold auto_scored']);
    expect(
      await problems(
        t.post(`/v1/qa/evaluations/${evaluationId}/answers`, {
          actorId: 'ann',
          answers: { empathy: 9, nope: null },
        }),
      ),
    ).toEqual(['body.answers.empathy answer', 'body.answers.nope unknown_question']);
    expect(
      await problems(
        t.post(`/v1/qa/evaluations/${evaluationId}/comments`, { authorId: 'ann', offsetMs: -1, text: ' ' }),
      ),
    ).toEqual(['body.offsetMs too_small', 'body.text too_small']);
    expect(await problems(t.post(`/v1/qa/evaluations/${evaluationId}/submit`, {}))).toEqual([
      'body.actorId invalid_type',
    ]);
    expect(await problems(t.get('/v1/qa/evaluations?status=closed&limit=0'))).toEqual([
      'query.status invalid_value',
      'query.limit too_small',
    ]);
    // a step the lifecycle does not allow is 412 with its reason, not a 500
    const early = await t
      .post(`/v1/qa/evaluations/${evaluationId}/acknowledge`, { actorId: 'agent-1' })
      .expect(412);
    expect(early.body).toMatchObject({ code: 'qa.evaluation_not_submitted' });
    const stored = await qa.ownerQuery<{ answers: object; status: string }>(
      'SELECT answers, status FROM evaluation WHERE id = $1',
      [evaluationId],
    );
    expect(stored).toEqual([{ answers: { hold: 'yes', consent: 'na' }, status: 'draft' }]);
  });

  it('calibrations, work items and scores', async () => {
    const t = qa.http(tenant);
    expect(
      await problems(t.post('/v1/qa/calibrations', { callId, scorecardId, analystIds: ['ann'] })),
    ).toEqual(['body.analystIds too_small']);
    expect(
      await problems(t.post('/v1/qa/calibrations', { callId, scorecardId, analystIds: ['ann', 'ann'] })),
    ).toEqual(['body.analystIds custom']);
    expect(await problems(t.get('/v1/qa/work-items?status=later'))).toEqual(['query.status invalid_value']);
    expect(await problems(t.get('/v1/qa/agents/agent-1/scores?period=year'))).toEqual([
      'query.period invalid_value',
    ]);
    expect(await problems(t.put('/v1/qa/agents/agent-1', { startedAt: 'yesterday' }))).toEqual([
      'body.startedAt invalid_format',
    ]);
    expect(await problems(t.put('/v1/qa/agents/agent%201', { teamId: 't' }))).toEqual([
      'params.agentId invalid_format',
    ]);
    expect(await problems(t.get('/v1/qa/teams/team%201/scores'))).toEqual(['params.teamId invalid_format']);
  });

  it('a call that cannot be evaluated is 412/404, never a 500', async () => {
    const t = qa.http(tenant);
    const unanswered = callEnded(tenant, { agentId: undefined, answeredAt: undefined, talkMs: 0 });
    await qa.ingest(unanswered);
    const refused = await t
      .post('/v1/qa/evaluations', { callId: unanswered.payload.callId, analystId: 'ann', scorecardId })
      .expect(412);
    expect(refused.body).toMatchObject({ code: 'qa.call_not_evaluable' });
    await t.post('/v1/qa/evaluations', { callId: 'no-such-call', analystId: 'ann', scorecardId }).expect(404);
    // the call's sampled work item was taken by the first evaluation: a second one naming it is 409
    const [item] = (await t.get('/v1/qa/work-items?status=in_progress').expect(200)).body.items as {
      id: string;
      evaluationId: string;
    }[];
    expect(item?.evaluationId).toBe(evaluationId);
    const taken = await t
      .post('/v1/qa/evaluations', { callId, analystId: 'bob', scorecardId, workItemId: item!.id })
      .expect(409);
    expect(taken.body).toMatchObject({ code: 'qa.work_item_taken' });
  });
});
