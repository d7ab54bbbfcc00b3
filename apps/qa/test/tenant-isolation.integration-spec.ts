import { createEnvelope, CallQueued } from '@cc/contracts';
import { callEnded } from './call-facts.fixture';
import { supportScorecard } from './fixtures/scorecards';
import { type QaTestApp, startQaTestApp, uniqueTenants } from './qa-test-app';

/**
 * Every REST endpoint, called as tenant B, about tenant A's data: nothing of A is seen, changed or
 * used. (gRPC: qa-grpc.integration-spec.ts; the database's own wall: rls.integration-spec.ts.)
 */
describe('qa REST: tenants never see each other', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  let qa: QaTestApp;
  let scorecardId: string;
  let callId: string;
  let evaluationId: string;
  let submittedId: string;
  let calibrationId: string;

  beforeAll(async () => {
    qa = await startQaTestApp();
    const a = qa.http(tenantA);
    scorecardId = (await a.post('/v1/qa/scorecards', supportScorecard()).expect(201)).body.id as string;
    await a
      .put('/v1/qa/settings', {
        analystIds: ['ann'],
        samplingRules: { agentShare: 1 },
        defaultScorecardId: scorecardId,
        timeZone: 'Europe/Zurich',
      })
      .expect(200);
    await a.put('/v1/qa/agents/agent-1', { teamId: 'team-a' }).expect(200);
    const calls = [callEnded(tenantA, { agentId: 'agent-1' }), callEnded(tenantA, { agentId: 'agent-1' })];
    callId = calls[0]!.payload.callId;
    await qa.ingest(
      createEnvelope(CallQueued, tenantA, {
        callId,
        direction: 'inbound',
        queueId: 'q',
        priority: 1,
        skills: [],
        valueTier: 4,
      }),
      ...calls,
    );
    const answers = { greeting: 'yes', identity: 'yes', outcome: 'resolved', empathy: 4 };
    evaluationId = (await a.post('/v1/qa/evaluations', { callId, analystId: 'ann' }).expect(201)).body
      .id as string;
    submittedId = (
      await a
        .post('/v1/qa/evaluations', { callId: calls[1]!.payload.callId, analystId: 'ann', answers })
        .expect(201)
    ).body.id as string;
    await a.post(`/v1/qa/evaluations/${submittedId}/submit`, { actorId: 'ann' }).expect(200);
    calibrationId = (await a.post('/v1/qa/calibrations', { callId, analystIds: ['ann', 'bob'] }).expect(201))
      .body.id as string;
  });

  afterAll(async () => {
    await qa?.close();
  });

  it('settings: B reads its own defaults and cannot point at A scorecard', async () => {
    const b = qa.http(tenantB);
    const settings = await b.get('/v1/qa/settings').expect(200);
    expect(settings.body).toMatchObject({
      analystIds: [],
      samplingSeed: tenantB,
      timeZone: 'UTC',
      defaultScorecardId: null,
    });
    const refused = await b.put('/v1/qa/settings', { defaultScorecardId: scorecardId }).expect(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'body.defaultScorecardId', rule: 'exists' });
    expect((await qa.http(tenantA).get('/v1/qa/settings').expect(200)).body.analystIds).toEqual(['ann']);
  });

  it('scorecards: list, get, publish and validate see nothing of A', async () => {
    const b = qa.http(tenantB);
    expect((await b.get('/v1/qa/scorecards').expect(200)).body.items).toEqual([]);
    await b.get(`/v1/qa/scorecards/${scorecardId}`).expect(404);
    await b.get(`/v1/qa/scorecards/${scorecardId}?version=1`).expect(404);
    await b.put(`/v1/qa/scorecards/${scorecardId}`, supportScorecard()).expect(404);
    expect((await b.post('/v1/qa/scorecards/validate', supportScorecard()).expect(200)).body.valid).toBe(
      true,
    );
    const a = await qa.http(tenantA).get(`/v1/qa/scorecards/${scorecardId}`).expect(200);
    expect(a.body.versions).toEqual([1]);
  });

  it('calls and work items: B sees none of A', async () => {
    const b = qa.http(tenantB);
    await b.get(`/v1/qa/calls/${callId}`).expect(404);
    expect((await b.get('/v1/qa/work-items').expect(200)).body.items).toEqual([]);
    expect((await b.get('/v1/qa/work-items?analystId=ann&status=done').expect(200)).body.items).toEqual([]);
    expect((await qa.http(tenantA).get('/v1/qa/work-items?status=done').expect(200)).body.items).toHaveLength(
      1,
    );
  });

  it('evaluations: B can neither start one on A call nor read or move A evaluations', async () => {
    const b = qa.http(tenantB);
    await b.post('/v1/qa/evaluations', { callId, analystId: 'ann', scorecardId }).expect(404);
    expect((await b.get('/v1/qa/evaluations').expect(200)).body.items).toEqual([]);
    expect((await b.get(`/v1/qa/evaluations?callId=${callId}`).expect(200)).body.items).toEqual([]);
    await b.get(`/v1/qa/evaluations/${evaluationId}`).expect(404);
    await b
      .post(`/v1/qa/evaluations/${evaluationId}/answers`, { actorId: 'ann', answers: { greeting: 'no' } })
      .expect(404);
    await b.post(`/v1/qa/evaluations/${evaluationId}/submit`, { actorId: 'ann' }).expect(404);
    await b.post(`/v1/qa/evaluations/${evaluationId}/comments`, { authorId: 'ann', text: 'x' }).expect(404);
    await b.post(`/v1/qa/evaluations/${submittedId}/acknowledge`, { actorId: 'agent-1' }).expect(404);
    await b
      .post(`/v1/qa/evaluations/${submittedId}/dispute`, { actorId: 'agent-1', reason: 'no' })
      .expect(404);
    await b.post(`/v1/qa/evaluations/${submittedId}/resolve`, { actorId: 'sup', note: 'x' }).expect(404);
    const a = await qa.http(tenantA).get(`/v1/qa/evaluations/${evaluationId}`).expect(200);
    expect(a.body).toMatchObject({ status: 'draft', comments: [] });
    expect(a.body.answers.greeting).toBeUndefined();
    expect((await qa.http(tenantA).get(`/v1/qa/evaluations/${submittedId}`).expect(200)).body.status).toBe(
      'submitted',
    );
  });

  it('calibrations: B can neither start one on A call nor read A sessions', async () => {
    const b = qa.http(tenantB);
    await b.post('/v1/qa/calibrations', { callId, scorecardId, analystIds: ['ann', 'bob'] }).expect(404);
    await b.get(`/v1/qa/calibrations/${calibrationId}`).expect(404);
    await qa.http(tenantA).get(`/v1/qa/calibrations/${calibrationId}`).expect(200);
  });

  it('scores: B sees no score of A agents and its agent profile is its own', async () => {
    const b = qa.http(tenantB);
    const scores = await b.get('/v1/qa/agents/agent-1/scores').expect(200);
    expect(scores.body).toMatchObject({
      current: { score: null, evaluations: 0, teamId: null },
      periods: [],
    });
    await b.get('/v1/qa/teams/team-a/scores').expect(404);
    await b.put('/v1/qa/agents/agent-1', { teamId: 'team-b' }).expect(200);
    const a = await qa.http(tenantA).get('/v1/qa/teams/team-a/scores').expect(200);
    expect(a.body.agents).toEqual([
      expect.objectContaining({ agentId: 'agent-1', teamId: 'team-a', evaluations: 1 }),
    ]);
    expect(a.body.periods).toHaveLength(1);
  });
});
