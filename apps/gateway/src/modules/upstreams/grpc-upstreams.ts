import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AcdV1, CrmV1, TelephonyV1 } from '@cc/contracts';
import { APP_CONFIG, createGrpcClient, type GrpcClient } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { fromUpstream, upstreamUnavailable, type UpstreamName } from './upstream-error.util';

export type AcdClient = GrpcClient<typeof AcdV1.AcdServiceService>;
export type CrmClient = GrpcClient<typeof CrmV1.CrmServiceService>;
export type TelephonyClient = GrpcClient<typeof TelephonyV1.TelephonyServiceService>;

/** One fronted gRPC service: its client (none when its URL is not configured) and error mapping. */
class GrpcUpstream<C extends { close(): void }> {
  constructor(
    private readonly name: UpstreamName,
    private readonly client: C | undefined,
  ) {}

  /** Runs `fn` with the client; the service's errors become the gateway's (fromUpstream). */
  async call<T>(fn: (client: C) => Promise<T>): Promise<T> {
    if (!this.client) throw upstreamUnavailable(this.name);
    try {
      return await fn(this.client);
    } catch (error) {
      throw fromUpstream(this.name, error);
    }
  }

  /** The client for a stream (the caller maps its errors); undefined when not configured. */
  get raw(): C | undefined {
    return this.client;
  }

  close(): void {
    this.client?.close();
  }
}

/** The gRPC clients of acd, crm and telephony, each with the gateway's deadline on every call. */
@Injectable()
export class GrpcUpstreams implements OnApplicationShutdown {
  readonly acd: GrpcUpstream<AcdClient>;
  readonly crm: GrpcUpstream<CrmClient>;
  readonly telephony: GrpcUpstream<TelephonyClient>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    const options = (address: string) => ({
      address,
      defaultDeadlineMs: config.UPSTREAM_DEADLINE_MS,
      defaultStreamDeadlineMs: config.STATS_STREAM_MAX_SECONDS * 1000,
      actor: 'gateway',
    });
    this.acd = new GrpcUpstream(
      'acd',
      config.ACD_GRPC_URL
        ? createGrpcClient(AcdV1.AcdServiceService, options(config.ACD_GRPC_URL))
        : undefined,
    );
    this.crm = new GrpcUpstream(
      'crm',
      config.CRM_GRPC_URL
        ? createGrpcClient(CrmV1.CrmServiceService, options(config.CRM_GRPC_URL))
        : undefined,
    );
    this.telephony = new GrpcUpstream(
      'telephony',
      config.TELEPHONY_GRPC_URL
        ? createGrpcClient(TelephonyV1.TelephonyServiceService, options(config.TELEPHONY_GRPC_URL))
        : undefined,
    );
  }

  onApplicationShutdown(): void {
    this.acd.close();
    this.crm.close();
    this.telephony.close();
  }
}
