import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { TenantContext } from '@cc/platform';
import { Clock } from '../../infrastructure/clock';
import { QaDatabase } from '../../infrastructure/qa-database';
import { DEFAULT_SCORE_WINDOW_DAYS } from '../settings/qa-settings.model';
import { ScoresService } from './scores.service';

export const SCORE_AGEING_OPTIONS = Symbol('SCORE_AGEING_OPTIONS');

export interface ScoreAgeingOptions {
  /** How often to look for aged-out evaluations; 0 turns the timer off (tests call sweep()). */
  intervalMs: number;
}

/** Agents recomputed per round trip, so one sweep never holds a long transaction. */
const BATCH = 200;

/**
 * An agent's score is the mean of the evaluations submitted in the tenant's window, so it changes
 * with time alone: the day an evaluation leaves the window, the score moves (or becomes null)
 * although nobody touched an evaluation. This sweep finds the agents with an evaluation that was
 * inside the window when their score was last computed and is outside it now, recomputes them and
 * thereby announces `qa.agent.score_changed` (cause `ageing`), so acd never routes VIP callers on a
 * stale score.
 *
 * Every replica may run it: the recompute locks the agent's row and moves `score_updated_at`, so a
 * second sweep finds nothing left and no move is announced twice.
 */
@Injectable()
export class ScoreAgeingSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ScoreAgeingSweep');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly database: QaDatabase,
    private readonly scores: ScoresService,
    private readonly clock: Clock,
    @Optional()
    @Inject(SCORE_AGEING_OPTIONS)
    private readonly options: ScoreAgeingOptions = { intervalMs: 0 },
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.sweep().catch((error: unknown) =>
        this.logger.warn(`score ageing sweep failed, retrying next round: ${(error as Error).message}`),
      );
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Recomputes every agent whose score includes an evaluation that has aged out; returns how many. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.dueAgents(this.clock.now());
      for (const { tenantId, agentId } of due) {
        await TenantContext.run({ tenantId }, () =>
          this.database.tenant((tx) => this.scores.recompute(tx, tenantId, agentId, { kind: 'ageing' })),
        );
      }
      total += due.length;
      if (due.length < BATCH) return total;
    }
  }

  /**
   * Agents (of every tenant) with a counted evaluation that was in the window at the last recompute
   * (submitted after score_updated_at - window) and is out of it now (at or before now - window).
   */
  private dueAgents(now: Date): Promise<{ tenantId: string; agentId: string }[]> {
    return this.database.operator(async (tx) => {
      const rows = await tx.$queryRaw<{ tenant_id: string; agent_id: string }[]>`
        SELECT a.tenant_id, a.agent_id
          FROM agent a
          LEFT JOIN qa_settings s ON s.tenant_id = a.tenant_id
         WHERE a.score_updated_at IS NOT NULL AND a.evaluation_count > 0
           AND EXISTS (
             SELECT 1 FROM evaluation e
              WHERE e.tenant_id = a.tenant_id AND e.agent_id = a.agent_id
                AND e.kind = 'standard' AND e.status <> 'draft' AND e.percent IS NOT NULL
                AND e.submitted_at > a.score_updated_at - make_interval(days => COALESCE(s.score_window_days, ${DEFAULT_SCORE_WINDOW_DAYS}::int))
                AND e.submitted_at <= ${now}::timestamptz - make_interval(days => COALESCE(s.score_window_days, ${DEFAULT_SCORE_WINDOW_DAYS}::int)))
         ORDER BY a.tenant_id, a.agent_id
         LIMIT ${BATCH}`;
      return rows.map((r) => ({ tenantId: r.tenant_id, agentId: r.agent_id }));
    });
  }
}
