import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, NatsConnectionService, type ReadinessCheck } from '@cc/platform';
import type { TelephonyConfig } from '../../config/telephony.config';
import { systemClock } from '../../infrastructure/clock';
import { AcdGrpcAdapter } from '../acd/acd-grpc.adapter';
import { CrmGrpcAdapter } from '../crm/crm-grpc.adapter';
import { loadEntryPointsFile } from '../entry-points/entry-points-file.loader';
import { InMemoryEntryPoints } from '../entry-points/in-memory-entry-points';
import { JetStreamCallFacts } from './jetstream-call-facts.adapter';
import { TelephonyEngine } from './telephony.engine';

/** The node's engine inside Nest: started after the app is up, stopped (calls left in Stasis) on shutdown. */
@Injectable()
export class TelephonyEngineHost implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'ari';
  readonly engine: TelephonyEngine;
  private readonly acd: AcdGrpcAdapter;
  private readonly crm: CrmGrpcAdapter;
  private readonly logger = new Logger('Telephony');

  constructor(@Inject(APP_CONFIG) config: TelephonyConfig, nats: NatsConnectionService) {
    this.acd = new AcdGrpcAdapter(config.ACD_GRPC_URL);
    this.crm = new CrmGrpcAdapter(config.CRM_GRPC_URL, config.CRM_SCREEN_POP_DEADLINE_MS, (error) =>
      this.logger.warn(`screen pop skipped: ${error instanceof Error ? error.message : String(error)}`),
    );
    const lookup = config.TELEPHONY_ENTRY_POINTS_FILE
      ? loadEntryPointsFile(config.TELEPHONY_ENTRY_POINTS_FILE)
      : new InMemoryEntryPoints();
    this.engine = new TelephonyEngine(
      {
        ariUrl: config.ARI_URL,
        ariUsername: config.ARI_USERNAME,
        ariPassword: config.ARI_PASSWORD,
        app: config.ARI_APP,
        nodeId: config.TELEPHONY_NODE_ID,
        operatorTenantId: config.OPERATOR_TENANT_ID,
      },
      {
        lookup,
        acd: this.acd,
        crm: this.crm,
        facts: new JetStreamCallFacts(() => nats.jetstream),
        clock: systemClock,
        logger: this.logger,
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    this.acd.close();
    this.crm.close();
  }

  check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    return Promise.resolve({
      up: this.engine.connected,
      details: { liveCalls: this.engine.calls.liveCalls },
    });
  }
}
