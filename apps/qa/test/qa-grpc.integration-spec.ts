import { QaV1 } from '@cc/contracts';
import { AppError, createGrpcClient, ErrorKind, type GrpcClient } from '@cc/platform';
import { callEnded } from './call-facts.fixture';
import { supportScorecard } from './fixtures/scorecards';
import { type QaTestApp, startQaTestApp, uniqueTenants } from './qa-test-app';

type QaClient = GrpcClient<typeof QaV1.QaServiceService>;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('qa gRPC', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  let qa: QaTestApp;
  let client: QaClient;
  let callId: string;
  let evaluationId: string;

  beforeAll(async () => {
    qa = await startQaTestApp();
    client = createGrpcClient(QaV1.QaServiceService, {
      address: qa.grpcAddress,
      defaultDeadlineMs: 5_000,
      actor: 'test',
    });
    const a = qa.http(tenantA);
    const scorecardId = (await a.post('/v1/qa/scorecards', supportScorecard()).expect(201)).body.id as string;
    await a.put('/v1/qa/settings', { analystIds: ['ann'], samplingRules: { agentShare: 1 } }).expect(200);
    const call = callEnded(tenantA, { agentId: 'agent-1', holdMs: 500_000, recordingId: 'rec-9' });
    callId = call.payload.callId;
    await qa.ingest(call);
    const answers = { greeting: 'yes', identity: 'yes', outcome: 'resolved', empathy: 5 };
    evaluationId = (
      await a.post('/v1/qa/evaluations', { callId, analystId: 'ann', scorecardId, answers }).expect(201)
    ).body.id as string;
    await a.post(`/v1/qa/evaluations/${evaluationId}/submit`, { actorId: 'ann' }).expect(200);
  });

  afterAll(async () => {
    client?.close();
    await qa?.close();
  });

  it('GetAgentScores answers in request order, without a score for unknown agents', async () => {
    const res = await client.getAgentScores({ agentIds: ['nobody', 'agent-1'] }, { tenantId: tenantA });
    expect(res.windowDays).toBe(30);
    expect(res.scores.map((s) => [s.agentId, s.hasScore, s.evaluationCount])).toEqual([
      ['nobody', false, 0],
      ['agent-1', true, 1],
    ]);
    // hold failed (0 of 15), consent N/A: opening 70/85 of 40, resolution full
    expect(res.scores[1]!.score).toBeCloseTo((70 / 85) * 40 + 60, 2);
    const b = await client.getAgentScores({ agentIds: ['agent-1'] }, { tenantId: tenantB });
    expect(b.scores[0]).toMatchObject({ agentId: 'agent-1', hasScore: false });
  });

  it('ListWorkItems, GetEvaluation and GetCallChecks show tenant A its data and tenant B nothing', async () => {
    const done = await client.listWorkItems(
      { analystId: 'ann', status: QaV1.WorkItemStatus.WORK_ITEM_STATUS_DONE },
      { tenantId: tenantA },
    );
    expect(done.items).toEqual([
      expect.objectContaining({
        callId,
        agentId: 'agent-1',
        reasons: ['agent_share', 'auto_check_failure', 'new_agent'],
        evaluationId,
      }),
    ]);
    expect(
      (
        await client.listWorkItems(
          { analystId: '', status: QaV1.WorkItemStatus.WORK_ITEM_STATUS_DONE },
          { tenantId: tenantB },
        )
      ).items,
    ).toEqual([]);

    const evaluation = await client.getEvaluation({ evaluationId }, { tenantId: tenantA });
    expect(evaluation.evaluation).toMatchObject({
      evaluationId,
      status: QaV1.EvaluationStatus.EVALUATION_STATUS_SUBMITTED,
      hasScore: true,
      maxScore: 100,
      recordingId: 'rec-9',
      calibration: false,
    });
    expect(evaluation.evaluation!.answers).toContainEqual({ questionId: 'empathy', value: '5' });
    expect((await failure(client.getEvaluation({ evaluationId }, { tenantId: tenantB }))).kind).toBe(
      ErrorKind.NotFound,
    );

    const checks = await client.getCallChecks({ callId }, { tenantId: tenantA });
    expect(checks.checks).toContainEqual({
      check: 'hold_over_limit',
      outcome: QaV1.CheckOutcome.CHECK_OUTCOME_FAIL,
    });
    expect(checks.checks).toContainEqual({
      check: 'recording_consent',
      outcome: QaV1.CheckOutcome.CHECK_OUTCOME_PENDING,
    });
    expect((await failure(client.getCallChecks({ callId }, { tenantId: tenantB }))).kind).toBe(
      ErrorKind.NotFound,
    );
  });

  it('refuses bad requests with INVALID_ARGUMENT naming the field, and calls without a tenant', async () => {
    const tooMany = await failure(client.getAgentScores({ agentIds: [] }, { tenantId: tenantA }));
    expect(tooMany.kind).toBe(ErrorKind.InvalidArgument);
    expect(tooMany.violations.map((v) => v.field)).toEqual(['agentIds']);
    const badId = await failure(client.getEvaluation({ evaluationId: 'no spaces' }, { tenantId: tenantA }));
    expect(badId.violations.map((v) => v.field)).toEqual(['evaluationId']);
    expect((await failure(client.getAgentScores({ agentIds: ['a'] }))).kind).toBe(ErrorKind.Unauthenticated);
    const badAnalyst = await failure(
      client.listWorkItems({ analystId: 'a b', status: 0 }, { tenantId: tenantA }),
    );
    expect(badAnalyst.violations.map((v) => v.field)).toEqual(['analystId']);
  });
});
