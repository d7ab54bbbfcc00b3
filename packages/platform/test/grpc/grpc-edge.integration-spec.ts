import { Controller, type INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AcdV1 } from '@cc/contracts';
import { AppError, ErrorKind } from '../../src/errors/app-error';
import { TenantContext } from '../../src/tenancy/tenant-context';
import { createGrpcClient, type GrpcClient } from '../../src/grpc/grpc-client.factory';
import { GrpcEdge } from '../../src/grpc/grpc-edge.decorator';
import { grpcServerOptions, grpcService } from '../../src/grpc/grpc-server.options';
import { AcdFixtureController, SeenCalls } from './fixtures/acd-fixture.controller';
import { freePort } from '@cc/testing';

/** The same fixture, behind @GrpcEdge() instead of the global enhancers of connectGrpcMicroservice. */
@Controller()
@GrpcEdge()
class EdgeAcdFixtureController extends AcdFixtureController {}

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('gRPC kit in a standalone microservice with @GrpcEdge()', () => {
  let microservice: INestMicroservice;
  let client: GrpcClient<typeof AcdV1.AcdServiceService>;
  let seen: SeenCalls;

  beforeAll(async () => {
    const port = await freePort();
    const moduleRef = await Test.createTestingModule({
      controllers: [EdgeAcdFixtureController],
      providers: [SeenCalls],
    }).compile();
    microservice = moduleRef.createNestMicroservice(
      grpcServerOptions({ services: [grpcService('acd', AcdV1.AcdServiceService)], port, host: '127.0.0.1' }),
    );
    microservice.useLogger(false);
    await microservice.listen();
    seen = microservice.get(SeenCalls);
    client = createGrpcClient(AcdV1.AcdServiceService, {
      address: `127.0.0.1:${port}`,
      defaultDeadlineMs: 2_000,
    });
  });

  afterAll(async () => {
    client?.close();
    await microservice?.close();
  });

  it('runs the handler in the tenant from metadata', async () => {
    const response = await TenantContext.run({ tenantId: 't_initech' }, () =>
      client.getAgentState({ agentId: 'agent-9' }),
    );
    expect(response.status?.reasonCode).toBe('t_initech');
    expect(seen.calls.at(-1)?.tenantId).toBe('t_initech');
  });

  it('refuses a call without a tenant and maps domain errors', async () => {
    const base = {
      callId: 'c1',
      requiredSkills: [],
      priority: 1,
      valueTier: 0,
      customerId: '',
      language: '',
      telephonyNodeId: '',
      direction: 0,
      campaignId: '',
    };
    expect((await appErrorOf(client.enqueueCall({ ...base, queueId: 'q1' }))).kind).toBe(
      ErrorKind.Unauthenticated,
    );
    const notFound = await appErrorOf(
      TenantContext.run({ tenantId: 't_initech' }, () => client.enqueueCall({ ...base, queueId: 'missing' })),
    );
    expect(notFound.kind).toBe(ErrorKind.NotFound);
    expect(notFound.message).toBe('queue missing not found');
  });
});
