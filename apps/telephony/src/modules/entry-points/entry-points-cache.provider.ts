import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, NatsConnectionService } from '@cc/platform';
import type { Subscription } from '@nats-io/transport-node';
import type { TelephonyConfig } from '../../config/telephony.config';
import { systemClock } from '../../infrastructure/clock';
import { EntryPointsRepository } from './entry-points.repository';
import { PostgresEntryPoints } from './postgres-entry-points';

/**
 * The node's entry-point lookup: Postgres behind a cache. Saves through this replica clear it at
 * once; saves through another replica arrive as a notice on core NATS (no stream: a lost notice only
 * leaves the cache stale until its time limit).
 */
@Injectable()
export class EntryPointsCache implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly lookup: PostgresEntryPoints;
  private readonly subject: string;
  private subscription: Subscription | undefined;
  private readonly logger = new Logger('EntryPoints');

  constructor(
    @Inject(APP_CONFIG) config: TelephonyConfig,
    repository: EntryPointsRepository,
    private readonly nats: NatsConnectionService,
  ) {
    this.lookup = new PostgresEntryPoints(repository, systemClock, config.TELEPHONY_ENTRY_POINTS_CACHE_MS);
    this.subject = `${config.NATS_STREAM_PREFIX}telephony.entry-points.changed`;
    repository.onChange(() => {
      this.lookup.invalidate();
      try {
        this.nats.connection.publish(this.subject);
      } catch (error) {
        this.logger.warn(`change notice not sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.nats.connection.subscribe(this.subject, {
      callback: () => this.lookup.invalidate(),
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
