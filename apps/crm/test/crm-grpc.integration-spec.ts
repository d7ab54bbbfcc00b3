import { CommonV1, CrmV1, toTimestamp } from '@cc/contracts';
import { AppError, ErrorKind, createGrpcClient, type GrpcClient } from '@cc/platform';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type CrmTestApp, itemsOf, startCrmTestApp, uniqueTenants } from './crm-test-app';

type CrmClient = GrpcClient<typeof CrmV1.CrmServiceService>;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('crm gRPC', () => {
  let crm: CrmTestApp;
  let http: App;
  let client: CrmClient;
  const [tenantA, tenantB] = uniqueTenants(2) as [string, string];
  let annaId: string;

  const interaction = (
    eventId: string,
    over: Partial<CrmV1.RecordInteractionRequest> = {},
  ): CrmV1.RecordInteractionRequest => ({
    eventId,
    customerId: '',
    phoneNumber: '+33 6 12 34 56 78',
    channel: CrmV1.InteractionChannel.INTERACTION_CHANNEL_CALL,
    direction: CommonV1.CallDirection.CALL_DIRECTION_INBOUND,
    callId: `call-${eventId}`,
    queueId: 'sales',
    agentId: 'agent-7',
    campaignId: '',
    waitSeconds: 12,
    ringSeconds: 3,
    talkSeconds: 95,
    holdSeconds: 0,
    disposition: 'sold',
    recordingRef: '',
    notes: '',
    startedAt: toTimestamp(new Date('2026-11-23T10:00:00Z')),
    endedAt: toTimestamp(new Date('2026-11-23T10:02:00Z')),
    ...over,
  });

  beforeAll(async () => {
    crm = await startCrmTestApp();
    http = crm.app.getHttpServer();
    client = createGrpcClient(CrmV1.CrmServiceService, {
      address: crm.grpcAddress,
      defaultDeadlineMs: 5_000,
      actor: 'test',
    });
    await request(http)
      .put('/v1/settings')
      .set('x-tenant-id', tenantA)
      .send({
        defaultCountry: 'FR',
        currency: 'EUR',
        tierPolicy: { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 },
      })
      .expect(200);
    const { body } = await request(http)
      .post('/v1/customers')
      .set('x-tenant-id', tenantA)
      .send({
        firstName: 'Amélie',
        lastName: 'Durand',
        phoneNumbers: [{ number: '06 12 34 56 78' }],
        tags: ['vip'],
      })
      .expect(201);
    annaId = body.id as string;
    await request(http)
      .post(`/v1/customers/${annaId}/leads`)
      .set('x-tenant-id', tenantA)
      .send({ source: 'web', product: 'Fibre', score: 80 })
      .expect(201);
    await request(http)
      .post(`/v1/customers/${annaId}/revenue`)
      .set('x-tenant-id', tenantA)
      .send({ amountMinor: 12345, currency: 'EUR' })
      .expect(201);
  });
  afterAll(async () => {
    client.close();
    await crm.close();
  });

  it('pops the caller found by any form of their number, with tier, open leads and last interactions', async () => {
    for (let i = 0; i < 7; i++) {
      await client.recordInteraction(
        interaction(`ev-pop-${i}`, { startedAt: toTimestamp(new Date(Date.UTC(2026, 10, 20 + i / 2, i))) }),
        { tenantId: tenantA },
      );
    }
    const pop = await client.screenPop(
      { callerNumber: '0033 6 12 34 56 78', defaultCountry: '', callId: 'c1' },
      { tenantId: tenantA },
    );
    expect(pop.found).toBe(true);
    expect(pop.caller).toEqual({ e164: '+33612345678', raw: '0033 6 12 34 56 78', extension: '' });
    expect(pop.customer).toMatchObject({
      customerId: annaId,
      displayName: 'Amélie Durand',
      tags: ['vip'],
      valueTier: CommonV1.ValueTier.VALUE_TIER_TOP,
      lifetimeValue: { currencyCode: 'EUR', units: 123, nanos: 450_000_000 },
    });
    expect(pop.openLeads).toEqual([
      expect.objectContaining({ product: 'Fibre', score: 80, status: CrmV1.LeadStatus.LEAD_STATUS_NEW }),
    ]);
    expect(pop.recentInteractions).toHaveLength(5);
    const times = pop.recentInteractions.map((i) => Number(i.occurredAt!.seconds));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(pop.recentInteractions[0]).toMatchObject({
      queueId: 'sales',
      agentId: 'agent-7',
      talkSeconds: 95,
      summary: 'sold',
    });

    const national = await client.screenPop(
      { callerNumber: '06 12 34 56 78', defaultCountry: '', callId: 'c2' },
      { tenantId: tenantA },
    );
    expect(national.customer?.customerId).toBe(annaId);
  });

  it('answers an unknown or unreadable caller with an empty pop, not an error', async () => {
    const unknown = await client.screenPop(
      { callerNumber: '+33 1 23 45 67 89', defaultCountry: '', callId: 'c3' },
      { tenantId: tenantA },
    );
    expect(unknown).toEqual({
      found: false,
      openLeads: [],
      recentInteractions: [],
      caller: { e164: '+33123456789', raw: '+33 1 23 45 67 89', extension: '' },
    });
    const anonymous = await client.screenPop(
      { callerNumber: 'anonymous', defaultCountry: '', callId: 'c4' },
      { tenantId: tenantA },
    );
    expect(anonymous).toEqual({ found: false, openLeads: [], recentInteractions: [] });
  });

  it('never pops, reads or changes another tenant customer', async () => {
    const pop = await client.screenPop(
      { callerNumber: '+33612345678', defaultCountry: '', callId: 'c5' },
      { tenantId: tenantB },
    );
    expect(pop.found).toBe(false);
    expect((await failure(client.getCustomer({ customerId: annaId }, { tenantId: tenantB }))).kind).toBe(
      ErrorKind.NotFound,
    );
    const update = await failure(
      client.updateCustomer(
        {
          customerId: annaId,
          customer: CrmV1.Customer.decode(
            CrmV1.Customer.encode({
              ...(await client.getCustomer({ customerId: annaId }, { tenantId: tenantA })).customer!,
              firstName: 'Hacked',
            }).finish(),
          ),
          updatePaths: ['firstName'],
          expectedVersion: 0,
        },
        { tenantId: tenantB },
      ),
    );
    expect(update.kind).toBe(ErrorKind.NotFound);
    const recorded = await client
      .recordInteraction(interaction('ev-b-1', { customerId: annaId, phoneNumber: '' }), {
        tenantId: tenantB,
      })
      .catch((e: unknown) => e);
    expect(recorded).toBeInstanceOf(AppError);
    expect((recorded as AppError).kind).toBe(ErrorKind.NotFound);
    const byPhone = await client.recordInteraction(interaction('ev-b-2'), { tenantId: tenantB });
    expect(byPhone).toMatchObject({ created: true, customerId: '' });
    // Once tenant B creates its own customer with that number, the call joins their history.
    const { body: own } = await request(http)
      .post('/v1/customers')
      .set('x-tenant-id', tenantB)
      .send({ firstName: 'Own', phoneNumbers: [{ number: '+33612345678' }] })
      .expect(201);
    const history = await request(http)
      .get(`/v1/customers/${own.id}/interactions`)
      .set('x-tenant-id', tenantB)
      .expect(200);
    expect(itemsOf<{ eventId: string }>(history.body).map((i) => i.eventId)).toEqual(['ev-b-2']);
    const dnc = await client.checkDoNotCall(
      { phoneNumbers: ['+33612345678'], defaultCountry: '', campaignId: '' },
      { tenantId: tenantB },
    );
    expect(dnc.results[0]!.blocked).toBe(false);
    const still = await client.getCustomer({ customerId: annaId }, { tenantId: tenantA });
    expect(still.customer!.firstName).toBe('Amélie');
  });

  it('refuses a call without a tenant', async () => {
    const error = await failure(
      client.screenPop({ callerNumber: '+33612345678', defaultCountry: '', callId: '' }),
    );
    expect(error.kind).toBe(ErrorKind.Unauthenticated);
  });

  it('records an interaction once per event id', async () => {
    const first = await client.recordInteraction(interaction('ev-once'), { tenantId: tenantA });
    const second = await client.recordInteraction(interaction('ev-once'), { tenantId: tenantA });
    expect(first).toMatchObject({ created: true, customerId: annaId });
    expect(second).toEqual({ ...first, created: false });
    const rows = await crm.ownerQuery('SELECT id FROM interaction WHERE tenant_id = $1 AND event_id = $2', [
      tenantA,
      'ev-once',
    ]);
    expect(rows).toHaveLength(1);
    const bad = await failure(
      client.recordInteraction(
        interaction('', { channel: CrmV1.InteractionChannel.INTERACTION_CHANNEL_UNSPECIFIED }),
        { tenantId: tenantA },
      ),
    );
    expect(bad.kind).toBe(ErrorKind.InvalidArgument);
    expect(bad.violations.map((v) => v.field)).toEqual(['channel']);
  });

  it('checks do-not-call in batch, one answer per number in order', async () => {
    await request(http)
      .post('/v1/dnc')
      .set('x-tenant-id', tenantA)
      .send({ phoneNumber: '06 12 34 56 79', reason: 'opt-out' })
      .expect(201);
    const numbers = ['+33 6 12 34 56 79', '06 12 34 56 78', 'xx'];
    const res = await client.checkDoNotCall(
      { phoneNumbers: numbers, defaultCountry: '', campaignId: 'camp-1' },
      { tenantId: tenantA },
    );
    expect(res.results.map((r) => [r.phoneNumber, r.e164, r.blocked, r.scope])).toEqual([
      ['+33 6 12 34 56 79', '+33612345679', true, CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_TENANT],
      ['06 12 34 56 78', '+33612345678', false, CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_UNSPECIFIED],
      ['xx', '', true, CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_UNSPECIFIED],
    ]);
    expect(res.results[2]!.invalidNumber).toBe(true);
  });

  it('gets and updates a customer by update paths, refusing a stale version (ABORTED) and bad fields', async () => {
    const { customer } = await client.getCustomer({ customerId: annaId }, { tenantId: tenantA });
    expect(customer).toMatchObject({ firstName: 'Amélie', phoneNumbers: [{ e164: '+33612345678' }] });
    const updated = await client.updateCustomer(
      {
        customerId: annaId,
        customer: {
          ...customer!,
          lastName: 'Martin',
          tags: ['ignored'],
          consent: { recording: true, marketing: true },
        },
        updatePaths: ['lastName', 'consent.recording'],
        expectedVersion: customer!.version,
      },
      { tenantId: tenantA },
    );
    expect(updated.customer).toMatchObject({
      lastName: 'Martin',
      displayName: 'Amélie Martin',
      tags: ['vip'],
      consent: { recording: true, marketing: false },
      version: customer!.version + 1,
    });
    const stale = await failure(
      client.updateCustomer(
        {
          customerId: annaId,
          customer: { ...customer!, lastName: 'Stale' },
          updatePaths: ['lastName'],
          expectedVersion: customer!.version,
        },
        { tenantId: tenantA },
      ),
    );
    expect(stale.kind).toBe(ErrorKind.Conflict);
    const badPhone = await failure(
      client.updateCustomer(
        {
          customerId: annaId,
          customer: { ...customer!, phoneNumbers: [{ e164: '', raw: 'not a phone', extension: '' }] },
          updatePaths: ['phoneNumbers'],
          expectedVersion: 0,
        },
        { tenantId: tenantA },
      ),
    );
    expect(badPhone.kind).toBe(ErrorKind.InvalidArgument);
    expect(badPhone.violations.map((v) => v.field)).toEqual(['customer.phoneNumbers.0.number']);
    const badPath = await failure(
      client.updateCustomer(
        { customerId: annaId, customer: customer!, updatePaths: ['valueTier'], expectedVersion: 0 },
        { tenantId: tenantA },
      ),
    );
    expect(badPath.violations[0]).toMatchObject({ field: 'updatePaths', rule: 'unknown_path' });
  });
});
