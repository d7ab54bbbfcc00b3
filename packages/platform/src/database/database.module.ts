import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { APP_CONFIG } from '../config/config.module';
import type { BaseConfig } from '../config/config';
import { createPgPool } from './pg-pool';
import { PostgresReadinessCheck } from './postgres-readiness.check';

/** The service's pg pool: its schema first on the search path, acting as the app role (RLS applies). */
export const PG_POOL = Symbol('PG_POOL');

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    // Shutdown hooks can run twice (a signal and an explicit close); pg refuses a second end().
    if (!this.pool.ended) await this.pool.end();
  }
}

export interface DatabaseModuleOptions {
  /** The service's own Postgres schema (one per service). */
  schema: string;
  maxConnections?: number;
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: PG_POOL,
          inject: [APP_CONFIG],
          useFactory: (config: BaseConfig) =>
            createPgPool({
              url: config.DATABASE_URL,
              schema: options.schema,
              role: config.DATABASE_ROLE || undefined,
              max: options.maxConnections ?? 10,
              applicationName: config.SERVICE_NAME,
              onIdleError: (error) => new Logger('Postgres').warn(`idle connection lost: ${error.message}`),
            }),
        },
        {
          provide: PostgresReadinessCheck,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresReadinessCheck(pool),
        },
        PoolCloser,
      ],
      exports: [PG_POOL, PostgresReadinessCheck],
    };
  }
}
