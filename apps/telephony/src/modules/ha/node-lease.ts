import type { Clock } from '../../infrastructure/clock';
import { CasConflictError, type RevisionedStore } from './revisioned-store';

export interface LeaseRecord {
  holder: string;
  /** Epoch ms until which the holder may act. */
  until: number;
  /** The fencing token: grows with every change of holder. */
  term: number;
}

/**
 * The lease on one Asterisk node (one Stasis app, one WebSocket): the instance holding it is the
 * active one. Taken and renewed by compare-and-set on the KV revision, so two contenders can never
 * both win. The holder considers itself fenced `marginMs` before its lease ends; a contender takes
 * the lease only after it ended, so their times to act never overlap (given clocks that agree
 * within the margin).
 */
export class NodeLease {
  private revision: number | undefined;
  private record: LeaseRecord | undefined;

  constructor(
    private readonly store: RevisionedStore,
    private readonly key: string,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly marginMs = Math.min(500, ttlMs / 4),
  ) {}

  /** True while this instance may act for the node. */
  held(): boolean {
    return this.record?.holder === this.holder && this.clock.now() < this.record.until - this.marginMs;
  }

  /** The fencing token of the current holder (0 before anyone held it). */
  get term(): number {
    return this.record?.term ?? 0;
  }

  get currentHolder(): string | undefined {
    return this.record?.holder;
  }

  /** Takes or renews the lease; whether this instance holds it now. */
  async tryAcquire(): Promise<boolean> {
    try {
      const current = await this.store.get<LeaseRecord>(this.key);
      const now = this.clock.now();
      if (!current) {
        const record = { holder: this.holder, until: now + this.ttlMs, term: 1 };
        this.revision = await this.store.create(this.key, record);
        this.record = record;
        return true;
      }
      const existing = current.value;
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
      this.revision = await this.store.update(this.key, record, current.revision);
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

  /** Gives the lease up (graceful shutdown) so the standby takes over at once. */
  async release(): Promise<void> {
    if (!this.record || this.record.holder !== this.holder || this.revision === undefined) return;
    const record = { ...this.record, until: 0 };
    this.record = undefined;
    try {
      await this.store.update(this.key, record, this.revision);
    } catch (error) {
      if (!(error instanceof CasConflictError)) throw error;
    }
  }
}
