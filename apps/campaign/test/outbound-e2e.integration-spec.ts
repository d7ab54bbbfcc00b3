import { freePort, randomSuffix, waitFor } from '@cc/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { App } from 'supertest/types';
import { startServiceWorld, type ServiceWorld } from '@cc/telephony/test/fixtures/telephony-service';
import { DialerService } from '../src/modules/dialer/dialer.service';
import { type CampaignTestApp, startCampaignTestApp } from './campaign-test-app';
import { FakeAcd, startRealCrm } from './peers';

interface SimCall {
  direction: string;
  endpoint: string;
  answeredAt?: string | null;
  bridged?: boolean;
}

/**
 * The whole outbound path with the real telephony service against the ARI simulator (telephony's
 * own acd stand-in offers agents), the real crm for do-not-call, and campaign consuming telephony's
 * real facts: the campaign's ledger must match what the simulator saw.
 */
describe('campaign end to end: real telephony on the ARI simulator, real crm, call facts from telephony', () => {
  const prefix = `TCE${randomSuffix().toUpperCase()}_`;
  // Real time (facts carry real times): the contacts live in a zone where it is midday now.
  const middayZone = (): string => {
    const offset = 12 - new Date().getUTCHours();
    return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  };
  let w: ServiceWorld;
  let crm: { app: NestExpressApplication; grpcAddress: string; close(): Promise<void> };
  const acd = new FakeAcd();
  let svc: CampaignTestApp;
  let http: App;
  let dialer: DialerService;
  let telephonyPort: number;

  const simCalls = async (): Promise<SimCall[]> =>
    (await (await fetch(`${w.sim.url}/sim/v1/calls`)).json()) as SimCall[];

  beforeAll(async () => {
    // The world's stream prefix and gRPC port are ours to know (its client is not used here).
    telephonyPort = await freePort();
    w = await startServiceWorld({ env: { NATS_STREAM_PREFIX: prefix, GRPC_PORT: String(telephonyPort) } });
    await w
      .rest(w.tenantId)
      .put('/v1/telephony-settings', { timeZone: 'UTC', safeHarbourPrompt: ['sound:hello-world'] })
      .expect(200);
    await waitFor('the telephony node is active', () => w.host.role === 'active', 10_000);
    crm = await startRealCrm();
    await acd.start();
    svc = await startCampaignTestApp({
      messaging: { streamPrefix: prefix, tenants: [w.tenantId] },
      peers: { acd: acd.address, crm: crm.grpcAddress, telephony: `127.0.0.1:${telephonyPort}` },
    });
    http = svc.app.getHttpServer();
    dialer = svc.app.get(DialerService);
    await request(crm.app.getHttpServer() as App)
      .post('/v1/dnc')
      .set('x-tenant-id', w.tenantId)
      .send({ phoneNumber: '+12125553003', reason: 'asked not to be called' })
      .expect(201);
  });

  afterAll(async () => {
    await svc?.close();
    await crm?.close();
    await acd.stop();
    await w?.close();
    const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    const jsm = await jetstreamManager(nc);
    for (const stream of [
      'CC_TELEPHONY',
      'CC_CAMPAIGN',
      'CC_DLQ',
      'KV_' + prefix + 'telephony_nodes',
      `KV_${prefix}telephony_calls_${w?.nodeId}`,
    ]) {
      const name = stream.startsWith('KV_') ? stream.replace(/[^A-Za-z0-9_-]/g, '_') : `${prefix}${stream}`;
      await jsm.streams.delete(name).catch(() => undefined);
    }
    await nc.close();
  });

  it('dials, bridges a live answer to the agent, plays the message on an abandon, retries by rule; the ledger matches the simulator', async () => {
    const tenant = w.tenantId;
    const created = await request(http)
      .post('/v1/campaigns')
      .set('x-tenant-id', tenant)
      .send({
        name: 'E2E',
        mode: 'progressive',
        queueId: 'outbound-sales',
        callerId: '+15551000000',
        priorityKeys: ['lead_score'],
      })
      .expect(201);
    const id = created.body.id as string;
    // Ann answers and talks; Bob is busy; Dee is on the do-not-call list.
    w.sim.world.setEndpointBehaviour('PJSIP/+12125553001@sipp', {
      answerAfterMs: 1_000,
      hangupAfterMs: 3_000,
    });
    w.sim.world.setEndpointBehaviour('PJSIP/+12125553002@sipp', { answerAfterMs: null, busy: true });
    w.sim.world.setEndpointBehaviour('PJSIP/+12125553003@sipp', { answerAfterMs: 500 });
    w.sim.world.setEndpointBehaviour('PJSIP/agent-e2e', { answerAfterMs: 200 });
    w.peers.state.agents = [{ agentId: 'agent-e2e', endpoint: 'PJSIP/agent-e2e' }];
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/import`)
      .set('x-tenant-id', tenant)
      .set('content-type', 'text/csv')
      .send(
        `phone,lead_score,time_zone\n+12125553001,90,${middayZone()}\n+12125553002,80,${middayZone()}\n+12125553003,70,${middayZone()}\n`,
      )
      .expect(200);
    await request(http).post(`/v1/campaigns/${id}/start`).set('x-tenant-id', tenant).expect(200);
    acd.set(tenant, 'outbound-sales', 3);

    const [first] = await dialer.tick();
    expect(first!.dialed).toHaveLength(2);
    expect(first!.blocked).toEqual([expect.objectContaining({ reason: 'do_not_call' })]);
    await waitFor(
      'Ann and Bob ended',
      async () =>
        (await svc.ownerQuery("SELECT id FROM attempt WHERE campaign_id = $1 AND state = 'ended'", [id]))
          .length === 2,
      30_000,
    );

    // Eve answers while no agent is left: the safe-harbour message, counted abandoned.
    w.peers.state.agents = [];
    w.sim.world.setEndpointBehaviour('PJSIP/+12125553004@sipp', {
      answerAfterMs: 500,
      hangupAfterMs: 20_000,
    });
    await request(http)
      .post(`/v1/campaigns/${id}/contacts/import`)
      .set('x-tenant-id', tenant)
      .set('content-type', 'text/csv')
      .send(`phone,time_zone\n+12125553004,${middayZone()}\n`)
      .expect(200);
    const [second] = await dialer.tick();
    expect(second!.dialed).toHaveLength(1);
    await waitFor(
      'Eve ended',
      async () =>
        (await svc.ownerQuery("SELECT id FROM attempt WHERE campaign_id = $1 AND state = 'ended'", [id]))
          .length === 3,
      30_000,
    );

    const contacts = await svc.ownerQuery<{
      phone: string;
      state: string;
      last_outcome: string;
      next_attempt_at: Date | null;
    }>('SELECT phone, state, last_outcome, next_attempt_at FROM contact WHERE campaign_id = $1', [id]);
    const byPhone = Object.fromEntries(contacts.map((c) => [c.phone, c]));
    expect(byPhone['+12125553001']).toMatchObject({ state: 'done', last_outcome: 'connected' });
    expect(byPhone['+12125553002']).toMatchObject({ state: 'pending', last_outcome: 'busy' });
    expect(byPhone['+12125553003']).toMatchObject({ state: 'blocked', last_outcome: 'do_not_call' });
    expect(byPhone['+12125553004']).toMatchObject({ state: 'pending', last_outcome: 'abandoned' });

    // The ledger against the simulator's own record of the customer legs.
    const customerLegs = (await simCalls()).filter((c) => c.endpoint.endsWith('@sipp'));
    expect(customerLegs.map((c) => c.endpoint).sort()).toEqual([
      'PJSIP/+12125553001@sipp',
      'PJSIP/+12125553002@sipp',
      'PJSIP/+12125553004@sipp',
    ]);
    const report = await request(http)
      .get(`/v1/campaigns/${id}/compliance`)
      .set('x-tenant-id', tenant)
      .expect(200);
    const thirtyDays = (
      report.body as { windows: { dials: number; liveAnswers: number; abandoned: number }[] }
    ).windows[0]!;
    expect(thirtyDays.dials).toBe(customerLegs.length);
    expect(thirtyDays.liveAnswers).toBe(customerLegs.filter((c) => c.answeredAt).length);
    expect(thirtyDays.abandoned).toBe(1);
    expect(report.body).toMatchObject({ callsOutsideHours: 0, dncHitsBlocked: 1 });
  }, 90_000);
});
