import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { AcdV1, toTimestamp } from '@cc/contracts';
import { AppError, ErrorKind } from '../../src/errors/app-error';
import { TenantContext } from '../../src/tenancy/tenant-context';
import { createGrpcClient, type GrpcClient } from '../../src/grpc/grpc-client.factory';
import { connectGrpcMicroservice, grpcService } from '../../src/grpc/grpc-server.options';
import { AcdFixtureController, DOWNSTREAM_ACD, SeenCalls } from './fixtures/acd-fixture.controller';
import { freePort } from '@cc/testing';

type AcdClient = GrpcClient<typeof AcdV1.AcdServiceService>;

const enqueue = (
  queueId: string,
  overrides: Partial<AcdV1.EnqueueCallRequest> = {},
): AcdV1.EnqueueCallRequest => ({
  callId: 'call-1',
  queueId,
  requiredSkills: [{ skillId: 'billing', minLevel: 3 }],
  priority: 10,
  valueTier: 0,
  customerId: '',
  language: 'de',
  telephonyNodeId: 'node-a',
  direction: 1,
  campaignId: '',
  ...overrides,
});

/** The AppError a promise rejects with (fails the test when it resolves or rejects with something else). */
async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function grpcCodeOf(error: AppError): number | undefined {
  return (error.cause as ServiceError | undefined)?.code;
}

async function collect<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error?: AppError }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items };
  } catch (error) {
    if (error instanceof AppError) return { items, error };
    throw error;
  }
}

describe('gRPC kit over a real port (hybrid app, connectGrpcMicroservice)', () => {
  let app: INestApplication;
  let seen: SeenCalls;
  let client: AcdClient;
  let address: string;

  beforeAll(async () => {
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    const moduleRef = await Test.createTestingModule({
      controllers: [AcdFixtureController],
      providers: [
        SeenCalls,
        {
          provide: DOWNSTREAM_ACD,
          // A generous default: the test shows the incoming call's deadline caps it.
          useFactory: () => createGrpcClient(AcdV1.AcdServiceService, { address, defaultDeadlineMs: 60_000 }),
        },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    connectGrpcMicroservice(app, {
      services: [grpcService('acd', AcdV1.AcdServiceService)],
      port,
      host: '127.0.0.1',
    });
    await app.startAllMicroservices();
    await app.init();
    seen = app.get(SeenCalls);
    client = createGrpcClient(AcdV1.AcdServiceService, {
      address,
      defaultDeadlineMs: 2_000,
      actor: 'grpc-kit-test',
    });
  });

  afterAll(async () => {
    client?.close();
    // The DOWNSTREAM_ACD client is closed by Nest (onApplicationShutdown).
    await app?.close();
  });

  beforeEach(() => seen.clear());

  describe('tenant in metadata', () => {
    it('carries the current tenant to the handler, which sees it in TenantContext', async () => {
      const response = await TenantContext.run({ tenantId: 't_acme' }, () =>
        client.enqueueCall(enqueue('q1')),
      );
      expect(response).toEqual({ position: 1, expectedWaitSeconds: 0, alreadyQueued: false });
      expect(seen.calls).toHaveLength(1);
      expect(seen.calls[0]).toMatchObject({
        method: 'enqueueCall',
        tenantId: 't_acme',
        actor: 'grpc-kit-test',
      });
    });

    it('lets one call act for another tenant and actor explicitly', async () => {
      await TenantContext.run({ tenantId: 't_acme', actor: 'user-7' }, async () => {
        await client.cancelCall({ callId: 'c1', reason: AcdV1.CancelReason.CANCEL_REASON_CALLER_HANGUP });
        await client.cancelCall({ callId: 'c2', reason: 1 }, { tenantId: 't_globex', actor: 'campaign' });
      });
      expect(seen.calls.map((c) => [c.tenantId, c.actor])).toEqual([
        ['t_acme', 'user-7'],
        ['t_globex', 'campaign'],
      ]);
    });

    it('refuses a call without a tenant as UNAUTHENTICATED before the handler runs', async () => {
      const error = await appErrorOf(client.enqueueCall(enqueue('q1')));
      expect(error.kind).toBe(ErrorKind.Unauthenticated);
      expect(error.code).toBe('grpc.tenant_missing');
      expect(grpcCodeOf(error)).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(seen.calls).toHaveLength(0);
    });

    it('refuses a malformed tenant as INVALID_ARGUMENT naming the metadata key', async () => {
      const error = await appErrorOf(
        client.enqueueCall(enqueue('q1'), { metadata: { 'x-tenant-id': 'ACME.*' } }),
      );
      expect(error.kind).toBe(ErrorKind.InvalidArgument);
      expect(grpcCodeOf(error)).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(error.violations).toEqual([
        { field: 'metadata.x-tenant-id', rule: 'tenant_id', message: 'is not a valid tenant id' },
      ]);
      expect(seen.calls).toHaveLength(0);
    });

    it('lets @OperatorScope handlers run without a tenant, and still sees one when present', async () => {
      const withoutTenant = await client.getAgentState({ agentId: 'agent-1' });
      expect(withoutTenant.status?.reasonCode).toBe('operator');
      const withTenant = await TenantContext.run({ tenantId: 't_acme' }, () =>
        client.getAgentState({ agentId: 'agent-1' }),
      );
      expect(withTenant.status?.reasonCode).toBe('t_acme');
    });
  });

  describe('messages use the generated types on both sides', () => {
    it('decodes with ts-proto on the server: unset messages are undefined, timestamps and int64 are numbers', async () => {
      const arrivedAt = toTimestamp(new Date('2026-01-02T03:04:05.678Z'));
      await TenantContext.run({ tenantId: 't_acme' }, () => client.enqueueCall(enqueue('q1', { arrivedAt })));
      const request = seen.calls[0]!.request as AcdV1.EnqueueCallRequest;
      expect(request.caller).toBeUndefined();
      expect(request.arrivedAt).toEqual(arrivedAt);
      expect(request.requiredSkills).toEqual([{ skillId: 'billing', minLevel: 3 }]);

      const agent = await client.getAgentState({ agentId: 'agent-1' });
      expect(agent.status?.version).toBe(2 ** 40);
      expect(agent.status?.since).toBeUndefined();
    });
  });

  describe('deadlines', () => {
    it('gives every call the client default deadline, which the handler can read', async () => {
      const before = Date.now();
      await TenantContext.run({ tenantId: 't_acme' }, () => client.enqueueCall(enqueue('q1')));
      const deadline = seen.calls[0]!.deadline;
      expect(deadline).toBeDefined();
      expect(deadline!).toBeGreaterThan(before);
      expect(deadline!).toBeLessThanOrEqual(Date.now() + 2_000);
    });

    it('fails a slow call with DEADLINE_EXCEEDED (per-call override), mapped to deadline_exceeded', async () => {
      const error = await appErrorOf(
        TenantContext.run({ tenantId: 't_acme' }, () =>
          client.enqueueCall(enqueue('slow', { callId: 'slow-1' }), { deadlineMs: 100 }),
        ),
      );
      expect(error.kind).toBe(ErrorKind.DeadlineExceeded);
      expect(error.code).toBe('deadline_exceeded');
      expect(grpcCodeOf(error)).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    });

    it('applies the client default when the call sets none, and the handler sees the cancellation', async () => {
      const hasty = createGrpcClient(AcdV1.AcdServiceService, { address, defaultDeadlineMs: 100 });
      try {
        const error = await appErrorOf(
          TenantContext.run({ tenantId: 't_acme' }, () =>
            hasty.enqueueCall(enqueue('slow', { callId: 'slow-2' })),
          ),
        );
        expect(error.kind).toBe(ErrorKind.DeadlineExceeded);
        await waitFor(() => seen.cancelled.includes('slow-2'));
      } finally {
        hasty.close();
      }
    });

    it('propagates tenant and deadline to the calls a handler makes', async () => {
      const response = await TenantContext.run({ tenantId: 't_acme' }, () =>
        client.cancelCall({ callId: 'relay', reason: 1 }, { deadlineMs: 1_500 }),
      );
      expect(response.revokedAssignmentId).toBe('t_acme');
      const incoming = seen.calls.find((c) => c.method === 'cancelCall')!;
      const downstream = seen.calls.find((c) => c.method === 'getAgentState')!;
      expect(downstream.tenantId).toBe('t_acme');
      expect(incoming.deadline).toBeDefined();
      // The handler's own client defaults to 60 s; inheriting means the downstream call ends with the
      // incoming one (1.5 s). grpc-js sends a deadline as a relative timeout, so the downstream server
      // sees it shifted by the transit time: allow that (it is small next to the 58 s difference).
      expect(downstream.deadline!).toBeLessThanOrEqual(incoming.deadline! + 1_000);
      expect(downstream.deadline!).toBeGreaterThanOrEqual(incoming.deadline! - 1_500);
    });

    it('refuses to create a client without a usable default deadline', () => {
      expect(() => createGrpcClient(AcdV1.AcdServiceService, { address, defaultDeadlineMs: 0 })).toThrow(
        /positive/,
      );
    });
  });

  describe('errors both ways', () => {
    it('delivers an invalid_argument AppError with its violations as INVALID_ARGUMENT and rebuilds it', async () => {
      const error = await appErrorOf(
        TenantContext.run({ tenantId: 't_acme' }, () =>
          client.enqueueCall(
            enqueue('q1', { callId: '', requiredSkills: [{ skillId: 'billing', minLevel: 11 }] }),
          ),
        ),
      );
      expect(grpcCodeOf(error)).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(error.kind).toBe(ErrorKind.InvalidArgument);
      expect(error.code).toBe('invalid_argument');
      expect(error.violations).toEqual([
        { field: 'callId', rule: 'too_small', message: expect.any(String) },
        { field: 'requiredSkills.0.minLevel', rule: 'too_big', message: expect.any(String) },
      ]);
    });

    it.each([
      ['missing', ErrorKind.NotFound, GrpcStatus.NOT_FOUND, 'not_found', 'queue missing not found'],
      [
        'closed',
        ErrorKind.FailedPrecondition,
        GrpcStatus.FAILED_PRECONDITION,
        'acd.queue_closed',
        'queue is closed',
      ],
      [
        'dup',
        ErrorKind.AlreadyExists,
        GrpcStatus.ALREADY_EXISTS,
        'acd.call_already_queued',
        'call call-1 is already queued',
      ],
    ])('maps queue %s to %s / status %s and back', async (queueId, kind, grpcCode, code, message) => {
      const error = await appErrorOf(
        TenantContext.run({ tenantId: 't_acme' }, () => client.enqueueCall(enqueue(queueId))),
      );
      expect(grpcCodeOf(error)).toBe(grpcCode);
      expect(error.kind).toBe(kind);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(error.violations).toEqual([]);
    });

    it('turns an unexpected error into INTERNAL without leaking its message', async () => {
      const error = await appErrorOf(
        TenantContext.run({ tenantId: 't_acme' }, () => client.enqueueCall(enqueue('boom'))),
      );
      expect(grpcCodeOf(error)).toBe(GrpcStatus.INTERNAL);
      expect(error.kind).toBe(ErrorKind.Internal);
      expect(error.message).toBe('internal error');
      expect(JSON.stringify({ message: error.message, code: error.code })).not.toContain('hunter2');
    });

    it('maps an unreachable server to unavailable', async () => {
      const nowhere = createGrpcClient(AcdV1.AcdServiceService, {
        address: `127.0.0.1:${await freePort()}`,
        defaultDeadlineMs: 1_000,
      });
      try {
        const error = await appErrorOf(nowhere.getAgentState({ agentId: 'a' }));
        expect(error.kind).toBe(ErrorKind.Unavailable);
        expect(grpcCodeOf(error)).toBe(GrpcStatus.UNAVAILABLE);
      } finally {
        nowhere.close();
      }
    });
  });

  describe('cancellation and lifecycle', () => {
    it('cancels a call through an AbortSignal, before or while it runs', async () => {
      const early = new AbortController();
      early.abort();
      const before = await appErrorOf(client.getAgentState({ agentId: 'a' }, { signal: early.signal }));
      expect(before.kind).toBe(ErrorKind.Unavailable);
      expect(before.code).toBe('grpc.cancelled');

      const late = new AbortController();
      const pending = TenantContext.run({ tenantId: 't_acme' }, () =>
        client.enqueueCall(enqueue('slow', { callId: 'slow-abort' }), { signal: late.signal }),
      );
      await waitFor(() => seen.calls.some((c) => (c.request as { callId?: string }).callId === 'slow-abort'));
      late.abort();
      const during = await appErrorOf(pending);
      expect(during.kind).toBe(ErrorKind.Unavailable);
      expect(during.code).toBe('grpc.cancelled');
      expect(grpcCodeOf(during)).toBe(GrpcStatus.CANCELLED);
      await waitFor(() => seen.cancelled.includes('slow-abort'));
    });

    it('closes a client provided through a factory when the Nest app shuts down', async () => {
      const moduleRef = await Test.createTestingModule({
        providers: [
          {
            provide: DOWNSTREAM_ACD,
            useFactory: () =>
              createGrpcClient(AcdV1.AcdServiceService, { address, defaultDeadlineMs: 1_000 }),
          },
        ],
      }).compile();
      const provided = moduleRef.get<AcdClient>(DOWNSTREAM_ACD);
      await expect(provided.getAgentState({ agentId: 'a' })).resolves.toBeDefined();
      await moduleRef.close();
      const error = await appErrorOf(provided.getAgentState({ agentId: 'a' }));
      expect(error.kind).toBe(ErrorKind.Internal);
    });
  });

  describe('server streaming', () => {
    it('streams assignments to the client, with the tenant seen by the handler', async () => {
      const { items, error } = await TenantContext.run({ tenantId: 't_acme' }, () =>
        collect(client.watchAssignments({ telephonyNodeId: 'node-a' })),
      );
      expect(error).toBeUndefined();
      expect(items.map((i) => i.assignment?.assignmentId)).toEqual(['a0', 'a1', 'a2']);
      expect(items.every((i) => i.assignment?.tenantId === 't_acme')).toBe(true);
      expect(items[2]!.assignment?.fencingToken).toBe(1_002);
    });

    it('delivers an error in the middle of a stream as the same AppError', async () => {
      const { items, error } = await collect(client.watchAssignments({ telephonyNodeId: 'fails' }));
      expect(items).toHaveLength(1);
      expect(error?.kind).toBe(ErrorKind.FailedPrecondition);
      expect(error?.code).toBe('acd.lease_lost');
      expect(error && grpcCodeOf(error)).toBe(GrpcStatus.FAILED_PRECONDITION);
    });

    it('ends an endless stream at its deadline with deadline_exceeded', async () => {
      const { items, error } = await collect(
        client.watchAssignments({ telephonyNodeId: 'endless' }, { deadlineMs: 300 }),
      );
      expect(items).toHaveLength(2);
      expect(error?.kind).toBe(ErrorKind.DeadlineExceeded);
    });

    it('cancels the call on the server when the consumer stops early', async () => {
      const stream = client.watchAssignments(
        { telephonyNodeId: 'endless-early-stop' },
        { deadlineMs: 5_000 },
      );
      for await (const item of stream) {
        expect(item.assignment?.assignmentId).toBe('a0');
        break;
      }
      await waitFor(() => seen.cancelled.includes('endless-early-stop'));
    });
  });
});

/** Polls a condition that the server side reaches asynchronously (bounded: fails after 2 s). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached within 2 s');
}
