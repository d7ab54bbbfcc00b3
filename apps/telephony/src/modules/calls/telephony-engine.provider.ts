import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, MetricsService, NatsConnectionService, type ReadinessCheck } from '@cc/platform';
import type { TelephonyConfig } from '../../config/telephony.config';
import { systemClock } from '../../infrastructure/clock';
import { AcdGrpcAdapter } from '../acd/acd-grpc.adapter';
import { CrmGrpcAdapter } from '../crm/crm-grpc.adapter';
import type { EntryPointLookup } from '../entry-points/entry-point.types';
import { loadEntryPointsFile } from '../entry-points/entry-points-file.loader';
import { EntryPointsCache } from '../entry-points/entry-points-cache.provider';
import { KvCallStateStore } from '../ha/kv-call-state.store';
import { NodeLease } from '../ha/node-lease';
import { NodeSupervisor } from '../ha/node-supervisor';
import { KvRevisionedStore } from '../ha/revisioned-store';
import { CallStepLatencyMetrics } from './call-step-latency.metrics';
import { JetStreamCallFacts } from './jetstream-call-facts.adapter';
import { TelephonyEngine } from './telephony.engine';

/** KV bucket names: the stream prefix keeps test runs and deployments apart. */
export function leaseBucketName(prefix: string): string {
  return `${prefix}telephony_nodes`.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function callStateBucketName(prefix: string, nodeId: string): string {
  return `${prefix}telephony_calls_${nodeId}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The node inside Nest: active/standby through the node's lease in JetStream KV. The active
 * instance runs the engine; the standby waits, and takes the calls over when the lease ends.
 */
@Injectable()
export class TelephonyEngineHost implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'ari';
  readonly instanceId: string;
  private supervisor: NodeSupervisor<TelephonyEngine> | undefined;
  private readonly acd: AcdGrpcAdapter;
  private readonly crm: CrmGrpcAdapter;
  private readonly lookup: EntryPointLookup;
  private readonly stepLatency: CallStepLatencyMetrics;
  private readonly logger = new Logger('Telephony');

  constructor(
    @Inject(APP_CONFIG) private readonly config: TelephonyConfig,
    private readonly nats: NatsConnectionService,
    entryPoints: EntryPointsCache,
    metrics: MetricsService,
  ) {
    this.stepLatency = new CallStepLatencyMetrics(metrics.registry);
    this.instanceId = config.TELEPHONY_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.acd = new AcdGrpcAdapter(config.ACD_GRPC_URL);
    this.crm = new CrmGrpcAdapter(config.CRM_GRPC_URL, config.CRM_SCREEN_POP_DEADLINE_MS, (error) =>
      this.logger.warn(`screen pop skipped: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.lookup = config.TELEPHONY_ENTRY_POINTS_FILE
      ? loadEntryPointsFile(config.TELEPHONY_ENTRY_POINTS_FILE)
      : entryPoints.lookup;
  }

  /** The engine while this instance is the node's active one. */
  get engine(): TelephonyEngine | undefined {
    return this.supervisor?.current;
  }

  /** The default trunk for outbound calls and external transfers. */
  get trunk(): string {
    return this.config.TELEPHONY_TRUNK;
  }

  get role(): string {
    return this.supervisor?.role ?? 'stopped';
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    const replicas = config.CC_JETSTREAM_REPLICAS;
    const leases = await this.nats.kv.create(leaseBucketName(config.NATS_STREAM_PREFIX), {
      history: 1,
      replicas,
    });
    const calls = await this.nats.kv.create(
      callStateBucketName(config.NATS_STREAM_PREFIX, config.TELEPHONY_NODE_ID),
      {
        history: 1,
        replicas,
      },
    );
    const lease = new NodeLease(
      new KvRevisionedStore(leases),
      config.TELEPHONY_NODE_ID,
      this.instanceId,
      config.TELEPHONY_LEASE_TTL_MS,
      systemClock,
    );
    const facts = new JetStreamCallFacts(() => this.nats.jetstream);
    this.supervisor = new NodeSupervisor(
      lease,
      () => {
        const store = new KvCallStateStore(
          calls,
          () => lease.held() && this.supervisor?.current === engine,
          (error) =>
            this.logger.warn(
              `call state not saved: ${error instanceof Error ? error.message : String(error)}`,
            ),
        );
        // The store is called only after the engine exists (its writes start with the first call).
        const engine: TelephonyEngine = new TelephonyEngine(
          {
            ariUrl: config.ARI_URL,
            ariUsername: config.ARI_USERNAME,
            ariPassword: config.ARI_PASSWORD,
            app: config.ARI_APP,
            nodeId: config.TELEPHONY_NODE_ID,
            operatorTenantId: config.OPERATOR_TENANT_ID,
            transferTrunk: config.TELEPHONY_TRUNK,
          },
          {
            lookup: this.lookup,
            acd: this.acd,
            crm: this.crm,
            facts,
            clock: systemClock,
            logger: this.logger,
            store,
            timings: this.stepLatency.record,
          },
        );
        return engine;
      },
      config.TELEPHONY_LEASE_RENEW_MS,
      this.logger,
    );
    await this.supervisor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor?.stop();
    this.acd.close();
    this.crm.close();
  }

  /** Ready when active and connected to Asterisk, or when standing by (the pair is healthy). */
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    const engine = this.engine;
    return Promise.resolve({
      up: this.role === 'standby' || (engine?.connected ?? false),
      details: { role: this.role, instance: this.instanceId, liveCalls: engine?.calls.liveCalls ?? 0 },
    });
  }
}
