import {
  CallAbandoned,
  CallAnswered,
  CallEnded,
  createEnvelope,
  type EventDefinition,
  type PayloadOf,
  subjectOf,
} from '@cc/contracts';
import { domainStream, type MessageOutcome, publishEnvelope } from '@cc/platform';
import { randomSuffix, waitFor } from '@cc/testing';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { App } from 'supertest/types';
import { FixedClock } from '../src/infrastructure/clock';
import { DialerService } from '../src/modules/dialer/dialer.service';
import { type CampaignTestApp, startCampaignTestApp, uniqueTenants } from './campaign-test-app';
import { FakeAcd, FakeTelephony, startRealCrm } from './peers';

describe('campaign dialer: real crm (DNC at dial time), acd and telephony at the gRPC boundary, call facts on JetStream', () => {
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  const prefix = `TCMP${randomSuffix().toUpperCase()}_`;
  // 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles (closed), 16:00 in Berlin.
  const clock = new FixedClock(new Date('2026-11-23T15:00:00Z'));
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let crm: { app: NestExpressApplication; grpcAddress: string; close(): Promise<void> };
  const acd = new FakeAcd();
  const telephony = new FakeTelephony();
  let svc: CampaignTestApp;
  let http: App;
  let dialer: DialerService;
  const outcomes: MessageOutcome[] = [];

  const publish = <D extends EventDefinition>(
    def: D,
    tenantId: string,
    payload: PayloadOf<D>,
    id?: string,
  ) => {
    const envelope = createEnvelope(def, tenantId, payload, {
      ...(id ? { id } : {}),
      occurredAt: clock.now().toISOString(),
    });
    return publishEnvelope(jetstream(nc), subjectOf(def, tenantId), envelope);
  };
  const ended = (
    callId: string,
    extra: Partial<PayloadOf<typeof CallEnded>>,
  ): PayloadOf<typeof CallEnded> => ({
    callId,
    direction: 'outbound',
    from: '+12125550100',
    to: '+12125551001',
    startedAt: '2026-11-23T15:00:00Z',
    endedAt: '2026-11-23T15:03:00Z',
    waitMs: 0,
    talkMs: 0,
    holdMs: 0,
    holdCount: 0,
    transferCount: 0,
    hangupBy: 'system',
    ...extra,
  });

  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
    // telephony owns this stream in production; here the suite plays telephony's facts.
    await jsm.streams.add({
      name: `${prefix}CC_TELEPHONY`,
      subjects: domainStream('telephony', { tenants: [tenantA, tenantB] }).subjects,
      duplicate_window: 100_000_000,
    });
    crm = await startRealCrm();
    await acd.start();
    await telephony.start();
    svc = await startCampaignTestApp({
      clock,
      messaging: { streamPrefix: prefix, tenants: [tenantA, tenantB] },
      peers: { acd: acd.address, crm: crm.grpcAddress, telephony: telephony.address },
      onCallFactOutcome: (o) => outcomes.push(o),
    });
    http = svc.app.getHttpServer();
    dialer = svc.app.get(DialerService);
    // The tenant's do-not-call list lives in crm.
    await request(crm.app.getHttpServer() as App)
      .post('/v1/dnc')
      .set('x-tenant-id', tenantA)
      .send({ phoneNumber: '+12125551003', reason: 'asked not to be called' })
      .expect(201);
  });

  afterAll(async () => {
    await svc?.close();
    await crm?.close();
    await acd.stop();
    await telephony.stop();
    for (const stream of ['CC_TELEPHONY', 'CC_CAMPAIGN', 'CC_DLQ'])
      await jsm?.streams.delete(`${prefix}${stream}`).catch(() => undefined);
    await nc?.close();
  });

  it('dials only legal contacts, records outcomes from facts once, retries by rule and reports compliance', async () => {
    const created = await request(http)
      .post('/v1/campaigns')
      .set('x-tenant-id', tenantA)
      .send({
        name: 'Q4',
        mode: 'progressive',
        queueId: 'q_out',
        callerId: '+12125550100',
        priorityKeys: ['lead_score'],
      })
      .expect(201);
    const id = created.body.id as string;
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/import`)
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send(
        [
          'phone,name,time_zone,lead_score',
          '+12125551001,Ann,,90',
          '+12125551002,Bob,,80',
          '+12125551003,Dee (DNC),,70',
          '+14155551004,Eve (LA),,60',
          '+4930123456,Fritz,Europe/Berlin,50',
        ].join('\n'),
      )
      .expect(200);
    acd.set(tenantA, 'q_out', 5);

    // Not running yet: nothing is dialed.
    expect(await dialer.tick()).toEqual([]);
    await request(http).post(`/v1/campaigns/${id}/start`).set('x-tenant-id', tenantA).expect(200);

    const [report] = await dialer.tick();
    expect(report).toMatchObject({ campaignId: id, wanted: 5 });
    expect(report!.blocked.map((b) => b.reason).sort()).toEqual(['do_not_call', 'outside_hours']);
    const dialed = telephony.originated.map((o) => o.request.destination);
    expect(dialed).toEqual(['+12125551001', '+12125551002', '+4930123456']);
    expect(dialed).not.toContain('+12125551003');
    for (const o of telephony.originated) {
      expect(o).toMatchObject({
        tenantId: tenantA,
        request: {
          callerId: '+12125550100',
          queueId: 'q_out',
          ringTimeoutSeconds: 25,
          maxConnectDelayMs: 2000,
        },
      });
    }
    const metrics = await request(http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/campaign_dials_refused_total\{[^}]*reason="do_not_call"[^}]*\} 1/);
    expect(metrics.text).toMatch(/campaign_dials_total\{[^}]*mode="progressive"[^}]*\} 3/);
    // In flight: no agent is free for another dial.
    expect((await dialer.tick())[0]!.dialed).toEqual([]);

    const [ann, bob, fritz] = telephony.originated.map((o) => o.callId) as [string, string, string];
    const answeredId = `evt-${randomSuffix()}`;
    await publish(
      CallAnswered,
      tenantA,
      { callId: ann, direction: 'outbound', queueId: 'q_out', agentId: 'agent-1', waitMs: 400 },
      answeredId,
    );
    // The same fact again (a redelivery after a crash), past the stream's duplicate window: counted once.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await publish(
      CallAnswered,
      tenantA,
      { callId: ann, direction: 'outbound', queueId: 'q_out', agentId: 'agent-1', waitMs: 400 },
      answeredId,
    );

    await publish(
      CallEnded,
      tenantA,
      ended(ann, {
        answeredAt: '2026-11-23T15:00:12Z',
        talkMs: 160_000,
        agentId: 'agent-1',
        hangupBy: 'caller',
        hangupCause: 16,
      }),
    );
    // Bob's end arrives before his abandonment (a redelivery after a failure reorders them): it waits.
    await publish(
      CallEnded,
      tenantA,
      ended(bob, { answeredAt: '2026-11-23T15:00:10Z', hangupCause: 16, waitMs: 2000 }),
    );
    await publish(CallAbandoned, tenantA, {
      callId: bob,
      direction: 'outbound',
      queueId: 'q_out',
      waitMs: 2000,
      stage: 'outbound_no_agent',
    });
    await publish(CallEnded, tenantA, ended(fritz, { hangupCause: 17 }));
    // Another tenant's fact naming tenant A's call ids changes nothing of A.
    await publish(CallAbandoned, tenantB, {
      callId: fritz,
      direction: 'outbound',
      waitMs: 2000,
      stage: 'outbound_no_agent',
    });

    await waitFor('three attempts ended', async () => {
      const rows = await svc.ownerQuery<{ state: string }>(
        "SELECT state FROM attempt WHERE campaign_id = $1 AND state = 'ended'",
        [id],
      );
      return rows.length === 3;
    });
    // Six facts of tenant A (one of them a duplicate) and one of tenant B, all settled.
    await waitFor('every fact settled', () => outcomes.filter((o) => o !== 'retry').length >= 7);
    expect(outcomes).toContain('duplicate');

    const report2 = await request(http)
      .get(`/v1/campaigns/${id}/compliance`)
      .set('x-tenant-id', tenantA)
      .expect(200);
    expect(report2.body).toMatchObject({
      callsOutsideHours: 0,
      dncHitsBlocked: 1,
      blocked: { do_not_call: 1, outside_hours: 1 },
      windows: [
        { window: '30d', dials: 3, liveAnswers: 2, abandoned: 1, rate: 0.5 },
        { window: '24h', dials: 3, liveAnswers: 2, abandoned: 1, rate: 0.5 },
      ],
    });
    const contacts = await svc.ownerQuery<{
      phone: string;
      state: string;
      last_outcome: string;
      next_attempt_at: Date | null;
      attempts: number;
    }>(
      'SELECT phone, state, last_outcome, next_attempt_at, attempts FROM contact WHERE campaign_id = $1 ORDER BY phone',
      [id],
    );
    const byPhone = Object.fromEntries(contacts.map((c) => [c.phone, c]));
    expect(byPhone['+12125551001']).toMatchObject({ state: 'done', last_outcome: 'connected', attempts: 1 });
    expect(byPhone['+12125551002']).toMatchObject({ state: 'pending', last_outcome: 'abandoned' });
    expect(byPhone['+12125551002']!.next_attempt_at?.toISOString()).toBe('2026-11-23T16:03:00.000Z');
    expect(byPhone['+4930123456']).toMatchObject({ state: 'pending', last_outcome: 'busy' });
    expect(byPhone['+4930123456']!.next_attempt_at?.toISOString()).toBe('2026-11-23T15:18:00.000Z');
    expect(byPhone['+12125551003']).toMatchObject({
      state: 'blocked',
      last_outcome: 'do_not_call',
      attempts: 0,
    });
    // Los Angeles waits for 8:00 there (16:00 UTC).
    expect(byPhone['+14155551004']).toMatchObject({ state: 'pending', attempts: 0 });
    expect(byPhone['+14155551004']!.next_attempt_at?.toISOString()).toBe('2026-11-23T16:00:00.000Z');

    // 15:20: the busy contact is due again (retry by rule); the abandoned one waits until 16:03.
    clock.set(new Date('2026-11-23T15:20:00Z'));
    const [retry] = await dialer.tick();
    expect(retry!.dialed).toHaveLength(1);
    expect(telephony.originated.at(-1)!.request.destination).toBe('+4930123456');
    // 16:05: Los Angeles is open (8:05) and the abandoned contact is due.
    clock.set(new Date('2026-11-23T16:05:00Z'));
    await dialer.tick();
    expect(
      telephony.originated
        .slice(-2)
        .map((o) => o.request.destination)
        .sort(),
    ).toEqual(['+12125551002', '+14155551004']);
    // Never the DNC number, never outside the window.
    expect(telephony.originated.map((o) => o.request.destination)).not.toContain('+12125551003');
    expect((await svc.ownerQuery('SELECT id FROM attempt WHERE within_window = false')).length).toBe(0);
  });

  it('pauses: a paused campaign dials nothing; a failed originate is retried by rule', async () => {
    const created = await request(http)
      .post('/v1/campaigns')
      .set('x-tenant-id', tenantB)
      .send({ name: 'B', mode: 'predictive', queueId: 'q_b', callerId: '+12125550199' })
      .expect(201);
    const id = created.body.id as string;
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/import`)
      .set('x-tenant-id', tenantB)
      .set('content-type', 'text/csv')
      .send('phone\n+12125552001\n')
      .expect(200);
    acd.set(tenantB, 'q_b', 1);
    await request(http).post(`/v1/campaigns/${id}/start`).set('x-tenant-id', tenantB).expect(200);
    await request(http).post(`/v1/campaigns/${id}/pause`).set('x-tenant-id', tenantB).expect(200);
    const before = telephony.originated.length;
    expect((await dialer.tick()).find((r) => r.campaignId === id)).toBeUndefined();
    await request(http).post(`/v1/campaigns/${id}/resume`).set('x-tenant-id', tenantB).expect(200);
    telephony.failNext = true;
    const report = (await dialer.tick()).find((r) => r.campaignId === id)!;
    // Guarded at the start (no ledger yet): one dial for the one available agent, which failed.
    expect(report.dialed).toHaveLength(1);
    expect(telephony.originated.length).toBe(before);
    const [contact] = await svc.ownerQuery<{ state: string; last_outcome: string; next_attempt_at: Date }>(
      'SELECT state, last_outcome, next_attempt_at FROM contact WHERE campaign_id = $1',
      [id],
    );
    expect(contact).toMatchObject({ state: 'pending', last_outcome: 'failed' });
    expect(contact!.next_attempt_at.getTime()).toBe(clock.now().getTime() + 10 * 60_000);
  });
  it('preview: the agent takes a record, dials it through the same checks, and the call is theirs', async () => {
    clock.set(new Date('2026-11-23T17:00:00Z')); // 12:00 in New York
    const created = await request(http)
      .post('/v1/campaigns')
      .set('x-tenant-id', tenantA)
      .send({
        name: 'Preview',
        mode: 'preview',
        queueId: 'q_pre',
        callerId: '+12125550100',
        priorityKeys: ['lead_score'],
      })
      .expect(201);
    const id = created.body.id as string;
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/import`)
      .set('x-tenant-id', tenantA)
      .set('content-type', 'text/csv')
      .send('phone,lead_score\n+12125557001,90\n+12125551003,10\n')
      .expect(200);
    await request(http)
      .post(`/v1/campaigns/${id}/preview`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(409);
    await request(http).post(`/v1/campaigns/${id}/start`).set('x-tenant-id', tenantA).expect(200);
    await request(http).post(`/v1/campaigns/${id}/preview`).set('x-tenant-id', tenantA).send({}).expect(400);
    await request(http)
      .post(`/v1/campaigns/${id}/preview`)
      .set('x-tenant-id', tenantB)
      .send({ agentId: 'agent-7' })
      .expect(404);
    // The automatic loop leaves preview campaigns to their agents.
    expect((await dialer.tick()).find((r) => r.campaignId === id)?.dialed ?? []).toEqual([]);

    const first = await request(http)
      .post(`/v1/campaigns/${id}/preview`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(200);
    expect(first.body.phone).toBe('+12125557001');
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/${first.body.id}/dial`)
      .set('x-tenant-id', tenantB)
      .send({ agentId: 'agent-7' })
      .expect(404);
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/${first.body.id}/dial`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(202);
    expect(telephony.originated.at(-1)!.request).toMatchObject({
      destination: '+12125557001',
      agentId: 'agent-7',
      queueId: 'q_pre',
    });

    const second = await request(http)
      .post(`/v1/campaigns/${id}/preview`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(200);
    expect(second.body.phone).toBe('+12125551003');
    const refused = await request(http)
      .post(`/v1/campaigns/${id}/contacts/${second.body.id}/dial`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(409);
    expect(refused.body.detail).toMatch(/do_not_call/);
    expect(telephony.originated.map((o) => o.request.destination)).not.toContain('+12125551003');
    await request(http)
      .post(`/v1/campaigns/${id}/preview`)
      .set('x-tenant-id', tenantA)
      .send({ agentId: 'agent-7' })
      .expect(204);
  });
});
