import { CasConflictError, type StateStore } from './state-store';

export interface LeaseRecord {
  readonly holder: string;
  /** Epoch ms until which the holder may act. */
  readonly until: number;
  /** Grows with every change of holder. */
  readonly term: number;
}

export const LEASE_KEY = 'lease.router';

/**
 * The router lease: one replica routes at a time. The lease only spares us wasted work and split
 * decisions; safety never depends on it (every state write is a compare-and-set). A holder stops
 * writing `marginMs` before its lease ends, a contender takes it only after it ended.
 */
export class LeaderLease {
  private revision: number | undefined;
  private record: LeaseRecord | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly marginMs = Math.min(500, ttlMs / 4),
  ) {}

  /** True while this replica may act as the router. */
  held(): boolean {
    return this.record?.holder === this.holder && this.now() < this.record.until - this.marginMs;
  }

  get term(): number {
    return this.record?.term ?? 0;
  }

  /** Takes or renews the lease; returns whether this replica holds it now. */
  async tryAcquire(): Promise<boolean> {
    try {
      const current = await this.store.get(LEASE_KEY);
      const now = this.now();
      if (!current) {
        const record = { holder: this.holder, until: now + this.ttlMs, term: 1 };
        this.revision = await this.store.create(LEASE_KEY, record);
        this.record = record;
        return true;
      }
      const existing = current.value as LeaseRecord;
      if (existing.holder !== this.holder && existing.until > now) {
        this.record = existing;
        this.revision = current.revision;
        return false;
      }
      const record = {
        holder: this.holder,
        until: now + this.ttlMs,
        term: existing.holder === this.holder ? existing.term : existing.term + 1,
      };
      this.revision = await this.store.update(LEASE_KEY, record, current.revision);
      this.record = record;
      return true;
    } catch (error) {
      if (error instanceof CasConflictError) {
        this.record = undefined;
        return false;
      }
      throw error;
    }
  }

  /** Gives the lease up (graceful shutdown) so another replica takes over at once. */
  async release(): Promise<void> {
    if (!this.record || this.record.holder !== this.holder || this.revision === undefined) return;
    const record = { ...this.record, until: 0 };
    this.record = undefined;
    try {
      await this.store.update(LEASE_KEY, record, this.revision);
    } catch (error) {
      if (!(error instanceof CasConflictError)) throw error;
    }
  }
}
