import { AgentScoreChanged, type EventEnvelope, type PayloadOf } from '@cc/contracts';
import { callEnded } from './call-facts.fixture';
import { supportScorecard } from './fixtures/scorecards';
import { type QaTestApp, startQaTestApp, uniqueTenants } from './qa-test-app';
import { FixedClock } from '../src/infrastructure/clock';
import { ScoreAgeingSweep } from '../src/modules/scores/score-ageing.sweep';

const DAY = 86_400_000;

/**
 * Scores move with time alone: an evaluation leaving the tenant's window changes the agent's score,
 * and the sweep announces it once, even with two replicas sweeping at the same moment.
 */
describe('qa: score ageing', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const clock = new FixedClock(new Date('2026-10-01T10:00:00Z'));
  let qa: QaTestApp;
  let replica: QaTestApp;

  const scoreFacts = async (tenantId: string) =>
    (
      await qa.ownerQuery<{ envelope: EventEnvelope<PayloadOf<typeof AgentScoreChanged>> }>(
        `SELECT envelope FROM outbox_event WHERE tenant_id = $1 AND envelope->>'type' = $2 ORDER BY created_at, id`,
        [tenantId, AgentScoreChanged.type],
      )
    ).map((r) => r.envelope.payload);

  /** An evaluation of `agentId` submitted now (by the clock) with the given answers. */
  const submitEvaluation = async (tenantId: string, agentId: string, answers: Record<string, unknown>) => {
    const call = callEnded(tenantId, { agentId });
    await qa.ingest(call);
    const http = qa.http(tenantId);
    const id = (
      await http
        .post('/v1/qa/evaluations', { callId: call.payload.callId, analystId: 'ann', answers })
        .expect(201)
    ).body.id as string;
    return (await http.post(`/v1/qa/evaluations/${id}/submit`, { actorId: 'ann' }).expect(200)).body as {
      percent: number;
    };
  };

  beforeAll(async () => {
    qa = await startQaTestApp({ clock });
    replica = await startQaTestApp({ clock, db: qa.db });
    for (const tenantId of [tenantA, tenantB]) {
      const http = qa.http(tenantId);
      const scorecardId = (await http.post('/v1/qa/scorecards', supportScorecard()).expect(201)).body
        .id as string;
      await http
        .put('/v1/qa/settings', { analystIds: ['ann'], defaultScorecardId: scorecardId, scoreWindowDays: 30 })
        .expect(200);
    }
  });

  afterAll(async () => {
    await replica?.close();
    await qa?.close();
  });

  it('moves the score when an evaluation leaves the window, once across two replicas', async () => {
    const good = { greeting: 'yes', identity: 'yes', outcome: 'resolved', empathy: 5 };
    const poor = { greeting: 'no', identity: 'yes', outcome: 'unresolved', empathy: 1 };
    const first = await submitEvaluation(tenantA, 'agent-old', good);
    // tenant B's agent is scored on the same day but with a 30-day window too: it ages out as well,
    // in its own tenant, and nothing of A is written under B
    await submitEvaluation(tenantB, 'agent-b', good);
    clock.set(new Date(clock.now().getTime() + 20 * DAY));
    const second = await submitEvaluation(tenantA, 'agent-old', poor);
    expect(second.percent).not.toBe(first.percent);
    const before = (await qa.http(tenantA).get('/v1/qa/agents/agent-old/scores').expect(200)).body.current;
    expect(before).toMatchObject({ evaluations: 2 });

    // nothing has aged yet: the sweep finds nobody
    expect(await qa.app.get(ScoreAgeingSweep).sweep()).toBe(0);

    // day 31 after the first evaluation: it has left the window, the second has not
    clock.set(new Date(clock.now().getTime() + 11 * DAY));
    const swept = await Promise.all([
      qa.app.get(ScoreAgeingSweep).sweep(),
      replica.app.get(ScoreAgeingSweep).sweep(),
    ]);
    expect(swept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);

    const after = (await qa.http(tenantA).get('/v1/qa/agents/agent-old/scores').expect(200)).body.current;
    expect(after).toMatchObject({ evaluations: 1 });
    expect(after.score).toBeCloseTo(second.percent, 2);
    const aged = (await scoreFacts(tenantA)).filter((f) => f.cause === 'ageing');
    expect(aged).toEqual([
      expect.objectContaining({
        agentId: 'agent-old',
        previousScore: before.score,
        evaluationCount: 1,
        windowDays: 30,
      }),
    ]);
    expect(aged[0]!.score).toBeCloseTo(second.percent, 2);
    expect(aged[0]!.evaluationId).toBeUndefined();

    // B's only evaluation aged out: its score is null now, announced under B only
    expect(
      (await qa.http(tenantB).get('/v1/qa/agents/agent-b/scores').expect(200)).body.current,
    ).toMatchObject({
      score: null,
      evaluations: 0,
    });
    expect((await scoreFacts(tenantB)).filter((f) => f.cause === 'ageing')).toEqual([
      expect.objectContaining({ agentId: 'agent-b', score: null, evaluationCount: 0 }),
    ]);
    expect((await scoreFacts(tenantB)).some((f) => f.agentId === 'agent-old')).toBe(false);

    // a later sweep finds nothing more to announce
    expect(await qa.app.get(ScoreAgeingSweep).sweep()).toBe(0);
    expect((await scoreFacts(tenantA)).filter((f) => f.cause === 'ageing')).toHaveLength(1);
  });
});
