import { createHash } from 'node:crypto';
import { CasConflictError, type StateStore } from '../coordination/state-store';
import type { RealtimeStatistics, ScopeCounters } from './realtime-statistics';

export const STATS_PREFIX = 'stats.';

interface ShardValue {
  readonly savedAt: number;
  readonly scopes: readonly ScopeCounters[];
}

/**
 * Keeps the statistics' counters (15 minutes, 1 hour, since local midnight) in the shared store, so
 * that a router taking over goes on from them instead of from zero (a wallboard must not drop after a
 * failover). Scopes are spread over a fixed number of keys (a KV value stays far below the 1 MB
 * message limit even with tens of thousands of queues) and a save rewrites only the keys holding a
 * scope that changed. What happened after the last save before a crash is lost (one save interval).
 *
 * These writes are not part of the exactly-once state: a conflict (another router wrote a shard)
 * does not stop the router; the shard is re-read for its revision and written again next time.
 */
export class StatisticsPersistence {
  private readonly cache: Map<string, ScopeCounters>[];
  private readonly revisions = new Map<string, number>();
  private readonly dirty = new Set<number>();
  private saving: Promise<void> | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly statistics: RealtimeStatistics,
    private readonly now: () => number,
    private readonly shards = 32,
  ) {
    this.cache = Array.from({ length: shards }, () => new Map<string, ScopeCounters>());
  }

  /** Loads every shard into the statistics; returns the number of scopes restored. */
  async restore(): Promise<number> {
    const entries = await this.store.list(STATS_PREFIX);
    let scopes = 0;
    for (const e of entries) {
      this.revisions.set(e.key, e.revision);
      const value = e.value as ShardValue;
      const shard = this.shardIndexOfKey(e.key);
      const raw: unknown = value.scopes;
      if (shard === undefined || !Array.isArray(raw)) continue;
      const list = raw as readonly ScopeCounters[];
      for (const s of list) this.cache[shard]?.set(s.scope, s);
      this.statistics.restoreCounters(list);
      scopes += list.length;
    }
    return scopes;
  }

  /** Writes the shards whose scopes changed since the last save (one save at a time). */
  save(): Promise<void> {
    if (this.saving) return this.saving;
    this.saving = this.saveChanged().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  private async saveChanged(): Promise<void> {
    for (const s of this.statistics.changedCounters()) {
      const shard = this.shardOf(s.scope);
      this.cache[shard]?.set(s.scope, s);
      this.dirty.add(shard);
    }
    const shards = [...this.dirty];
    this.dirty.clear();
    const savedAt = this.now();
    await Promise.all(
      shards.map(async (shard) => {
        const key = `${STATS_PREFIX}${shard}`;
        const value: ShardValue = { savedAt, scopes: [...(this.cache[shard]?.values() ?? [])] };
        try {
          const known = this.revisions.get(key);
          const revision =
            known === undefined
              ? await this.store.create(key, value)
              : await this.store.update(key, value, known);
          this.revisions.set(key, revision);
        } catch (error) {
          // Written by someone else (a previous router's last save): learn its revision, retry next time.
          this.dirty.add(shard);
          if (!(error instanceof CasConflictError)) throw error;
          const fresh = await this.store.get(key);
          if (fresh) this.revisions.set(key, fresh.revision);
          else this.revisions.delete(key);
        }
      }),
    );
  }

  private shardOf(scope: string): number {
    return createHash('sha1').update(scope).digest().readUInt32BE(0) % this.shards;
  }

  private shardIndexOfKey(key: string): number | undefined {
    const n = Number(key.slice(STATS_PREFIX.length));
    return Number.isInteger(n) && n >= 0 && n < this.shards ? n : undefined;
  }
}
