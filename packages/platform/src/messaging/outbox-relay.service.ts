import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope } from '@cc/contracts';
import { NatsConnectionService } from './nats-connection.service';
import { publishEnvelope } from './event-publisher.service';

export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');
/** The service's database (provide it with `useExisting`): an `outbox_event` table in its schema. */
export const OUTBOX_DATABASE = Symbol('OUTBOX_DATABASE');

/** The raw-SQL part of a Prisma transaction the relay uses. */
export interface OutboxTx {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** Operator-wide transactions (the outbox holds every tenant's facts). */
export interface OutboxDatabase {
  operator<R>(fn: (tx: OutboxTx) => Promise<R>): Promise<R>;
}

export interface OutboxRelayOptions {
  /** Pause between polls when the outbox is empty. */
  pollMs: number;
  /** Facts published per transaction. */
  batchSize: number;
  /** Published facts are kept this long (for inspection), then deleted. */
  retainMs: number;
}

export const DEFAULT_OUTBOX_RELAY: OutboxRelayOptions = {
  pollMs: 250,
  batchSize: 100,
  retainMs: 24 * 3_600_000,
};

/**
 * Publishes the outbox to JetStream, oldest first. Each batch is locked with SKIP LOCKED, so
 * several replicas share the work without publishing a fact twice on purpose; a crash between
 * the publish and the commit publishes again, and JetStream drops the repeat (the envelope id is
 * the message id) — consumers are idempotent anyway. A failed publish leaves the batch for the
 * next poll.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;
  private ticks = 0;

  constructor(
    @Inject(OUTBOX_DATABASE) private readonly database: OutboxDatabase,
    private readonly nats: NatsConnectionService,
    @Inject(OUTBOX_RELAY_OPTIONS) private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Publishes one batch; returns how many facts it published. */
  async publishBatch(): Promise<number> {
    return this.database.operator(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; subject: string; envelope: EventEnvelope }[]>`
        SELECT id, subject, envelope FROM outbox_event
         WHERE published_at IS NULL
         ORDER BY created_at, id
         LIMIT ${this.options.batchSize}
         FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const js = this.nats.jetstream;
      for (const row of rows) await publishEnvelope(js, row.subject, row.envelope);
      await tx.$executeRaw`UPDATE outbox_event SET published_at = now() WHERE id = ANY(${rows.map((r) => r.id)}::text[])`;
      return rows.length;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let published = 0;
    try {
      published = await this.publishBatch();
      if (++this.ticks % 240 === 0) await this.prune();
    } catch (error) {
      this.logger.warn(`publishing the outbox failed, retrying: ${(error as Error).message}`);
    }
    // A full batch means more are waiting: go on at once.
    this.schedule(published >= this.options.batchSize ? 0 : this.options.pollMs);
  }

  private async prune(): Promise<void> {
    const before = new Date(Date.now() - this.options.retainMs);
    await this.database.operator(
      async (tx) =>
        await tx.$executeRaw`DELETE FROM outbox_event WHERE published_at IS NOT NULL AND published_at < ${before}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }
}
