import type { Pool } from 'pg';
import type { ReadinessCheck } from '../health/readiness-check';

/** Ready when Postgres answers a trivial query through the service's own pool. */
export class PostgresReadinessCheck implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(private readonly pool: Pool) {}

  async check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    const started = Date.now();
    await this.pool.query('SELECT 1');
    return {
      up: true,
      details: { latencyMs: Date.now() - started, idle: this.pool.idleCount, total: this.pool.totalCount },
    };
  }
}
