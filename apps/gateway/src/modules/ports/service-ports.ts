/**
 * What the gateway will ask of the services it fronts, as ports: each becomes an adapter over the
 * service's gRPC client (`createGrpcClient(CrmV1.CrmServiceService, ...)` etc.) once that service's
 * contract is stable. The tenant is never a parameter: adapters take it from TenantContext, which the
 * gateway sets from the credential. No route uses these yet: routes come with their adapters.
 */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

export interface PortPage<T> {
  data: T[];
  nextCursor?: string;
}

/** crm: customers and their interactions. */
export abstract class CustomersPort {
  abstract list(query: PageRequest & { search?: string }): Promise<PortPage<Record<string, unknown>>>;
  abstract get(customerId: string): Promise<Record<string, unknown> | undefined>;
  abstract create(input: Record<string, unknown>): Promise<Record<string, unknown>>;
  abstract update(
    customerId: string,
    input: Record<string, unknown>,
    expectedVersion?: number,
  ): Promise<Record<string, unknown>>;
  abstract remove(customerId: string): Promise<void>;
}

/** acd: queues, agents and live statistics. */
export abstract class QueuesPort {
  abstract listQueues(query: PageRequest): Promise<PortPage<Record<string, unknown>>>;
  abstract queueStats(queueId: string): Promise<Record<string, unknown> | undefined>;
  abstract listAgents(query: PageRequest): Promise<PortPage<Record<string, unknown>>>;
}

/** telephony: calls, recordings (by short-lived signed URL) and the DIDs a tenant owns. */
export abstract class CallsPort {
  abstract listCalls(
    query: PageRequest & { from?: string; to?: string },
  ): Promise<PortPage<Record<string, unknown>>>;
  abstract getCall(callId: string): Promise<Record<string, unknown> | undefined>;
  abstract recordingUrl(callId: string, ttlSeconds: number): Promise<string | undefined>;
  abstract listPhoneNumbers(query: PageRequest): Promise<PortPage<Record<string, unknown>>>;
}
