import { DateTime } from 'luxon';
import {
  DEFAULT_SAMPLING_RULES,
  type SamplingRules,
  sampleCalls,
} from '../src/modules/sampling/sampling.util';
import { callEnded } from './call-facts.fixture';
import { type QaTestApp, startQaTestApp, uniqueTenants } from './qa-test-app';

/**
 * The online sampling (one call at a time, counters in Postgres) picks exactly what the pure batch
 * replay `sampleCalls` picks from the same calls and seed: a week can be audited by replaying it.
 */
describe('qa sampling: the live sample equals the seeded replay', () => {
  const [tenant] = uniqueTenants(1) as [string];
  let qa: QaTestApp;

  beforeAll(async () => {
    qa = await startQaTestApp();
  });
  afterAll(async () => {
    await qa?.close();
  });

  it('picks the same calls for every agent-week, with the tenant zone and seed', async () => {
    const rules: SamplingRules = {
      ...DEFAULT_SAMPLING_RULES,
      agentShare: 0.3,
      minPerAgentWeek: 1,
      autoCheckFailures: true,
      newAgentDays: 2,
      vipMinTier: null,
    };
    await qa
      .http(tenant)
      .put('/v1/qa/settings', {
        samplingRules: rules,
        samplingSeed: 'audit-2026',
        timeZone: 'America/New_York',
      })
      .expect(200);
    // 3 agents x 2 weeks x 12 calls, a few with a long hold; in the order they ended
    const start = DateTime.fromISO('2026-11-16T08:00:00', { zone: 'America/New_York' });
    const facts = Array.from({ length: 72 }, (_, i) => {
      const ended = start.plus({ hours: i * 4 + (i % 3) });
      return callEnded(tenant, {
        agentId: `agent-${i % 3}`,
        startedAt: ended.minus({ minutes: 5 }).toUTC().toISO()!,
        answeredAt: ended.minus({ minutes: 4 }).toUTC().toISO()!,
        endedAt: ended.toUTC().toISO()!,
        holdMs: i % 11 === 0 ? 300_000 : 0,
      });
    });
    await qa.ingest(...facts);

    const replay = sampleCalls(
      tenant,
      facts.map((f) => ({
        callId: f.payload.callId,
        agentId: f.payload.agentId!,
        endedAt: new Date(f.payload.endedAt),
        failedChecks: f.payload.holdMs > 120_000 ? 1 : 0,
        valueTier: null,
        customerId: null,
      })),
      rules,
      'audit-2026',
      'America/New_York',
    );
    const live = await qa.ownerQuery<{ call_id: string; reasons: string[] }>(
      'SELECT call_id, reasons FROM work_item WHERE tenant_id = $1 ORDER BY call_id',
      [tenant],
    );
    const expected = replay
      .map((s) => ({ call_id: s.callId, reasons: s.reasons }))
      .sort((a, b) => (a.call_id < b.call_id ? -1 : 1));
    expect(live).toEqual(expected);
    // the replay is not trivial: every rule picked something, and not everything was picked
    const reasons = new Set(replay.flatMap((s) => s.reasons));
    expect(reasons).toEqual(new Set(['agent_share', 'auto_check_failure', 'new_agent']));
    expect(replay.length).toBeLessThan(facts.length);
  });
});
