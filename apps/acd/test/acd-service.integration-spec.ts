import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { AcdV1 } from '@cc/contracts';
import { ErrorKind, UNPROTECTED_TENANT_TABLES_SQL } from '@cc/platform';
import { type TestDatabase, uniqueName, uniqueTenantId, waitFor } from '@cc/testing';
import { Client } from 'pg';
import {
  type AcdInstance,
  acdTestDatabase,
  appErrorOf,
  deleteNatsResources,
  enqueueRequest,
  NATS_URL,
  queueMessage,
  startAcdInstance,
  watch,
} from './acd-test.util';

const S = AcdV1.AgentState;

describe('acd service over gRPC (one replica, real NATS and Postgres)', () => {
  const tenantA = uniqueTenantId('acda');
  const tenantB = uniqueTenantId('acdb');
  const prefix = uniqueName('acdsvc');
  const bucket = uniqueName('acdsvc');
  const asA = { tenantId: tenantA };
  const asB = { tenantId: tenantB };
  let db: TestDatabase;
  let acd: AcdInstance;
  let nc: NatsConnection;
  let factSub: Subscription;
  const facts: { subject: string; envelope: { type: string; payload: Record<string, unknown> } }[] = [];

  beforeAll(async () => {
    db = await acdTestDatabase();
    nc = await connect({ servers: NATS_URL });
    factSub = nc.subscribe(`cc.${tenantA}.acd.>`, {
      callback: (error, msg) => {
        if (!error) facts.push({ subject: msg.subject, envelope: msg.json() });
      },
    });
    acd = await startAcdInstance({
      databaseUrl: db.url,
      bucket,
      streamPrefix: prefix,
      tenants: [tenantA, tenantB],
    });
    await waitFor('the replica to route', () => acd.host.isRouter);
    const c = acd.client;
    await c.upsertTenantSettings({ timeZone: 'Europe/Zurich', weight: 1, holidays: [] }, asA);
    await c.upsertSkill({ skillId: 'billing', name: 'Billing' }, asA);
    await c.upsertQueue(
      {
        queue: queueMessage('q1', {
          requiredSkills: [{ skillId: 'billing', minLevel: 2 }],
          wrapUpSeconds: 60,
        }),
      },
      asA,
    );
    for (const agentId of ['ag1', 'ag2']) {
      await c.upsertAgent({ agentId, displayName: agentId, endpoint: `PJSIP/${agentId}`, qualityScore: 50 });
      await c.setAgentProfile(
        { agentId, skills: [{ skillId: 'billing', level: 5 }], queueIds: ['q1'], remove: false },
        asA,
      );
    }
  });

  afterAll(async () => {
    factSub?.unsubscribe();
    await acd?.stop();
    await nc?.close();
    await deleteNatsResources(prefix, bucket);
    await db?.drop();
  });

  it('enqueue -> agent available -> assignment on the node watch -> acknowledge -> wrap-up -> complete', async () => {
    const node = watch(acd.client, 'node-1');
    try {
      const enq = await acd.client.enqueueCall(enqueueRequest('call-1', 'q1'), asA);
      expect(enq).toEqual({ position: 1, expectedWaitSeconds: 0, alreadyQueued: false });
      const again = await acd.client.enqueueCall(enqueueRequest('call-1', 'q1'), asA);
      expect(again.alreadyQueued).toBe(true);

      const login = await acd.client.setAgentState({
        agentId: 'ag1',
        state: S.AGENT_STATE_AVAILABLE,
        reasonCode: '',
        expectedVersion: 0,
      });
      expect(login.status?.agentId).toBe('ag1');

      const event = await waitFor('the assignment', () =>
        node.events.find((e) => e.assignment?.callId === 'call-1'),
      );
      const a = event.assignment!;
      expect(a).toMatchObject({
        tenantId: tenantA,
        queueId: 'q1',
        agentId: 'ag1',
        agentEndpoint: 'PJSIP/ag1',
        ringTimeoutSeconds: 30,
      });
      expect(a.fencingToken).toBeGreaterThan(0);
      expect(a.assignmentId).toBe(`ag1:${a.fencingToken}`);

      const ref = {
        assignmentId: a.assignmentId,
        callId: 'call-1',
        agentId: 'ag1',
        fencingToken: a.fencingToken,
      };
      const ack = await acd.client.acknowledgeAssignment(ref, asA);
      expect(ack.agent?.state).toBe(S.AGENT_STATE_ON_CALL);
      expect(ack.agent?.callId).toBe('call-1');

      const wrap = await acd.client.startWrapUp(
        { callId: 'call-1', agentId: 'ag1', fencingToken: a.fencingToken },
        asA,
      );
      expect(wrap.agent?.state).toBe(S.AGENT_STATE_WRAP_UP);
      expect(wrap.wrapUpUntil!.seconds).toBeGreaterThan(Date.now() / 1000 + 50);

      const done = await acd.client.completeCall(
        {
          callId: 'call-1',
          agentId: 'ag1',
          fencingToken: a.fencingToken,
          disposition: 'sold',
          nextState: 0,
          reasonCode: '',
        },
        asA,
      );
      expect(done.agent?.state).toBe(S.AGENT_STATE_AVAILABLE);
      // telephony retrying the enqueue after the end must not start the call again.
      const late = await acd.client.enqueueCall(enqueueRequest('call-1', 'q1'), asA);
      expect(late).toEqual({ position: 0, expectedWaitSeconds: 0, alreadyQueued: true });

      // Facts: the assignment with its real fencing token, and every agent state change with its duration.
      await waitFor('the facts', () => facts.some((f) => f.envelope.type === 'acd.call.handled'));
      const assigned = facts.find((f) => f.envelope.type === 'acd.call.assigned');
      expect(assigned?.envelope.payload).toMatchObject({
        callId: 'call-1',
        agentId: 'ag1',
        fencingToken: String(a.fencingToken),
      });
      const states = facts
        .filter((f) => f.envelope.type === 'acd.agent.state_changed')
        .map((f) => f.envelope.payload);
      expect(states.map((p) => p.to)).toEqual(
        expect.arrayContaining(['available', 'reserved', 'on_call', 'wrap_up']),
      );
      expect(states.every((p) => typeof p.durationMs === 'number')).toBe(true);
      expect(facts.map((f) => f.envelope.type)).toEqual(
        expect.arrayContaining(['acd.call.enqueued', 'acd.call.answered']),
      );

      const stats = await acd.client.getQueueStats({ queueIds: ['q1'], window: 1 }, asA);
      expect(stats.queues[0]).toMatchObject({ queueId: 'q1', answered: 1, waitingCalls: 0 });

      // The periodic queue statistics fact (the timer is minutes long: triggered here).
      acd.host.reportQueueStats();
      const reported = await waitFor('queue.stats_reported', () =>
        facts.find((f) => f.envelope.type === 'acd.queue.stats_reported'),
      );
      expect(reported.envelope.payload).toMatchObject({
        queueId: 'q1',
        answered: 1,
        offered: 1,
        windowMinutes: 15,
      });
    } finally {
      node.stop();
      await node.ended;
    }
  });

  it('no answer: the agent goes not ready and the call goes back to the head of its queue; stale tokens are refused', async () => {
    const node = watch(acd.client, 'node-1');
    try {
      await acd.client.enqueueCall(enqueueRequest('call-2', 'q1'), asA);
      const first = (
        await waitFor('offer of call-2', () => node.events.find((e) => e.assignment?.callId === 'call-2'))
      ).assignment!;
      expect(first.agentId).toBe('ag1');
      const rejected = await acd.client.rejectAssignment(
        {
          assignmentId: first.assignmentId,
          callId: 'call-2',
          agentId: 'ag1',
          fencingToken: first.fencingToken,
          reason: AcdV1.RejectReason.REJECT_REASON_NO_ANSWER,
        },
        asA,
      );
      expect(rejected.requeued).toBe(true);
      expect(rejected.agent?.state).toBe(S.AGENT_STATE_NOT_READY);
      expect(rejected.agent?.reasonCode).toMatch(/no_answer/);

      // A later call queues behind call-2, which kept its age.
      await acd.client.enqueueCall(enqueueRequest('call-3', 'q1'), asA);
      await acd.client.setAgentState({
        agentId: 'ag2',
        state: S.AGENT_STATE_AVAILABLE,
        reasonCode: '',
        expectedVersion: 0,
      });
      const second = (
        await waitFor('re-offer', () => node.events.find((e) => e.assignment?.agentId === 'ag2'))
      ).assignment!;
      expect(second.callId).toBe('call-2');

      const stale = await appErrorOf(
        acd.client.acknowledgeAssignment(
          {
            assignmentId: first.assignmentId,
            callId: 'call-2',
            agentId: 'ag1',
            fencingToken: first.fencingToken,
          },
          asA,
        ),
      );
      expect(stale.kind).toBe(ErrorKind.FailedPrecondition);
      expect(stale.code).toBe('acd.stale_fencing_token');
      expect((stale.cause as ServiceError).code).toBe(GrpcStatus.FAILED_PRECONDITION);
      const wrongToken = await appErrorOf(
        acd.client.acknowledgeAssignment(
          { assignmentId: '', callId: 'call-2', agentId: 'ag2', fencingToken: second.fencingToken + 1 },
          asA,
        ),
      );
      expect(wrongToken.code).toBe('acd.stale_fencing_token');
      await acd.client.acknowledgeAssignment(
        {
          assignmentId: second.assignmentId,
          callId: 'call-2',
          agentId: 'ag2',
          fencingToken: second.fencingToken,
        },
        asA,
      );
    } finally {
      node.stop();
      await node.ended;
    }
  });

  it('answers bad input with INVALID_ARGUMENT naming the field', async () => {
    const skill = await appErrorOf(
      acd.client.enqueueCall(
        enqueueRequest('call-x', 'q1', { requiredSkills: [{ skillId: 'billing', minLevel: 11 }] }),
        asA,
      ),
    );
    expect((skill.cause as ServiceError).code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(skill.violations.map((v) => v.field)).toEqual(['requiredSkills.0.minLevel']);

    const reason = await appErrorOf(
      acd.client.setAgentState({
        agentId: 'ag1',
        state: S.AGENT_STATE_NOT_READY,
        reasonCode: '',
        expectedVersion: 0,
      }),
    );
    expect(reason.violations.map((v) => v.field)).toEqual(['reasonCode']);

    const requested = await appErrorOf(
      acd.client.setAgentState({
        agentId: 'ag1',
        state: S.AGENT_STATE_ON_CALL,
        reasonCode: '',
        expectedVersion: 0,
      }),
    );
    expect(requested.violations.map((v) => v.field)).toEqual(['state']);

    const zone = await appErrorOf(
      acd.client.upsertTenantSettings({ timeZone: 'Mars/Olympus', weight: 1, holidays: [] }, asA),
    );
    expect(zone.violations.map((v) => v.field)).toEqual(['timeZone']);

    const overflow = await appErrorOf(
      acd.client.upsertQueue(
        {
          queue: queueMessage('q9', {
            overflow: [
              { afterSeconds: 30, kind: 3, relaxBy: 0, skillId: '', addSkills: [], targetQueueId: '' },
            ],
          }),
        },
        asA,
      ),
    );
    expect(overflow.violations.map((v) => v.field)).toEqual(['queue.overflow.0.targetQueueId']);

    const token = await appErrorOf(
      acd.client.completeCall(
        { callId: 'c', agentId: 'ag1', fencingToken: 0, disposition: '', nextState: 0, reasonCode: '' },
        asA,
      ),
    );
    expect(token.violations.map((v) => v.field)).toEqual(['fencingToken']);
  });

  it('keeps tenants apart: tenant B cannot see, cancel or answer tenant A calls, queues or agents', async () => {
    await acd.client.setAgentState({
      agentId: 'ag1',
      state: S.AGENT_STATE_LOGGED_OUT,
      reasonCode: '',
      expectedVersion: 0,
    });
    // ag2 is on call-2 from the test before; call-3 still waits: A cancels it.
    expect((await acd.client.cancelCall({ callId: 'call-3', reason: 1 }, asA)).wasQueued).toBe(true);
    await acd.client.enqueueCall(enqueueRequest('call-a', 'q1'), asA);
    const waitingA = async () =>
      (await acd.client.getQueueStats({ queueIds: ['q1'], window: 1 }, asA)).queues[0]!.waitingCalls;
    const before = await waitingA();
    expect(before).toBeGreaterThanOrEqual(1);

    // Cancel: B's call-a is another call (unknown); A's stays queued.
    expect(await acd.client.cancelCall({ callId: 'call-a', reason: 1 }, asB)).toEqual({
      wasQueued: false,
      revokedAssignmentId: '',
    });
    expect(await waitingA()).toBe(before);

    // Queues: A's q1 does not exist for B (stats, enqueue, stream).
    expect((await appErrorOf(acd.client.getQueueStats({ queueIds: ['q1'], window: 1 }, asB))).kind).toBe(
      ErrorKind.NotFound,
    );
    expect((await appErrorOf(acd.client.enqueueCall(enqueueRequest('call-b', 'q1'), asB))).kind).toBe(
      ErrorKind.NotFound,
    );
    const statsStream = acd.client.watchQueueStats(
      { queueIds: ['q1'], window: 1, intervalSeconds: 1 },
      { ...asB, deadlineMs: 3_000 },
    );
    await expect(
      (async () => {
        for await (const s of statsStream) return s;
        return undefined;
      })(),
    ).rejects.toMatchObject({ kind: ErrorKind.NotFound });
    expect((await acd.client.getQueueStats({ queueIds: [], window: 1 }, asB)).queues).toEqual([]);

    // B defining its own q1 leaves A's untouched.
    await acd.client.upsertQueue({ queue: queueMessage('q1', { membersOnly: true }) }, asB);
    expect(await waitingA()).toBe(before);

    // Agents of A only: B cannot see or change them, and never learns A's call ids.
    expect((await appErrorOf(acd.client.getAgentState({ agentId: 'ag1' }, asB))).kind).toBe(
      ErrorKind.NotFound,
    );
    expect(
      (
        await appErrorOf(
          acd.client.setAgentState(
            { agentId: 'ag1', state: S.AGENT_STATE_AVAILABLE, reasonCode: '', expectedVersion: 0 },
            asB,
          ),
        )
      ).kind,
    ).toBe(ErrorKind.NotFound);

    // A's assignment cannot be answered by B even with the right token.
    const node = watch(acd.client, 'node-1');
    try {
      await acd.client.setAgentState({
        agentId: 'ag1',
        state: S.AGENT_STATE_AVAILABLE,
        reasonCode: '',
        expectedVersion: 0,
      });
      const offer = (
        await waitFor('offer of call-a', () => node.events.find((e) => e.assignment?.callId === 'call-a'))
      ).assignment!;
      const ref = {
        assignmentId: offer.assignmentId,
        callId: 'call-a',
        agentId: 'ag1',
        fencingToken: offer.fencingToken,
      };
      expect((await appErrorOf(acd.client.acknowledgeAssignment(ref, asB))).code).toBe(
        'acd.stale_fencing_token',
      );
      expect((await appErrorOf(acd.client.rejectAssignment({ ...ref, reason: 1 }, asB))).code).toBe(
        'acd.stale_fencing_token',
      );
      expect((await acd.client.cancelCall({ callId: 'call-a', reason: 1 }, asB)).wasQueued).toBe(false);
      // B shares the agent through its own profile: it sees the state, not A's call.
      await acd.client.setAgentProfile({ agentId: 'ag1', skills: [], queueIds: [], remove: false }, asB);
      const seenByB = await acd.client.getAgentState({ agentId: 'ag1' }, asB);
      expect(seenByB.status?.state).toBe(S.AGENT_STATE_RESERVED);
      expect(seenByB.status?.callId).toBe('');
      const seenByA = await acd.client.getAgentState({ agentId: 'ag1' }, asA);
      expect(seenByA.status?.callId).toBe('call-a');
      // A's own answer still works.
      expect((await acd.client.acknowledgeAssignment(ref, asA)).agent?.state).toBe(S.AGENT_STATE_ON_CALL);
    } finally {
      node.stop();
      await node.ended;
    }

    // Rows: RLS keeps B's reads to B's rows.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('SET ROLE cc_app');
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantB]);
      const queues = await client.query<{ tenant_id: string }>('SELECT tenant_id FROM acd.queue');
      expect(new Set(queues.rows.map((r) => r.tenant_id))).toEqual(new Set([tenantB]));
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  });

  it('protects every tenant table of schema acd with row-level security', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(UNPROTECTED_TENANT_TABLES_SQL, ['acd', 'tenant_id']);
      expect(rows).toEqual([]);
      const tables = await client.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'acd' AND rowsecurity`,
      );
      expect(tables.rows[0].n).toBeGreaterThanOrEqual(5);
    } finally {
      await client.end();
    }
  });

  it('estimates staffing (Erlang C and A)', async () => {
    const estimate = await acd.client.estimateStaffing(
      {
        callsPerHour: 360,
        ahtSeconds: 240,
        targetServiceLevel: 0.8,
        serviceLevelThresholdSeconds: 20,
        patienceSeconds: 120,
        maxAbandonmentRate: 0.05,
      },
      asA,
    );
    expect(estimate.agentsErlangC).toBeGreaterThan(24);
    expect(estimate.agentsErlangA).toBeGreaterThan(0);
    expect(estimate.agentsErlangA).toBeLessThanOrEqual(estimate.agentsErlangC);
  });
});
