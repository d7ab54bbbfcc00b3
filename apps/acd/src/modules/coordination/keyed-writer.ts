import type { StateStore } from './state-store';

/** What to write: a value, or `null` to delete the key. Evaluated when the write runs. */
export type WriteValue = () => unknown;

/**
 * Writes keys of the store in the order they were asked for, each a compare-and-set on the
 * revision the previous write returned, with writes of different keys running in parallel. The
 * router is the only writer of its keys while it holds the lease, so a conflict means someone else
 * wrote (a zombie or a new router): `onConflict` fires once and every later write fails.
 */
export class KeyedWriter {
  private readonly revisions = new Map<string, number>();
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Per key, the last queued write when it is a plain one that has not started: later ones join it. */
  private readonly queued = new Map<string, { value: WriteValue | null; run: Promise<number> }>();
  private failure: Error | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly onFailure: (error: Error) => void,
    /** Checked before every write: false once the lease may have passed to another router. */
    private readonly mayWrite: () => boolean = () => true,
  ) {}

  /** Seeds a revision read from a snapshot (takeover). */
  know(key: string, revision: number): void {
    this.revisions.set(key, revision);
  }

  revision(key: string): number | undefined {
    return this.revisions.get(key);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Queues a write of `key` after the earlier writes of that key and after `after` (a write of
   * another key it depends on, e.g. the agent's reservation before the call's assignment).
   * Resolves with the new revision (0 for a delete); `written` runs before any later write of the key.
   *
   * Writes of a key that wait behind one in flight are **coalesced**: a plain write (no `after`, no
   * `written`) asked while the key's last queued write is a plain one that has not started replaces
   * its value, and both resolve when that one write lands. Under load this batches an agent's
   * consecutive states (e.g. wrap-up then available) into one compare-and-set; the store never shows
   * the skipped state, which is as if both were written at once. A write with `after` or `written`
   * (a reservation, an assignment naming its token) is never merged.
   */
  write(
    key: string,
    value: WriteValue | null,
    options: { after?: Promise<unknown>; written?: (revision: number) => void } = {},
  ): Promise<number> {
    const plain = options.after === undefined && options.written === undefined;
    const waiting = this.queued.get(key);
    if (plain && waiting) {
      waiting.value = value;
      return waiting.run;
    }
    this.queued.delete(key);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const entry: { value: WriteValue | null; run: Promise<number> } = { value, run: Promise.resolve(0) };
    const run = Promise.all([previous, options.after]).then(async () => {
      if (this.queued.get(key) === entry) this.queued.delete(key);
      const value = entry.value;
      if (this.failure) throw this.failure;
      if (!this.mayWrite()) throw this.fail(new Error('lease lost: this router no longer writes'));
      const known = this.revisions.get(key);
      let revision: number;
      try {
        if (value === null) {
          if (known === undefined) return 0;
          await this.store.delete(key, known);
          this.revisions.delete(key);
          revision = 0;
        } else {
          const body = value();
          revision =
            known === undefined
              ? await this.store.create(key, body)
              : await this.store.update(key, body, known);
          this.revisions.set(key, revision);
        }
      } catch (error) {
        throw this.fail(error as Error);
      }
      options.written?.(revision);
      return revision;
    });
    entry.run = run;
    if (plain) this.queued.set(key, entry);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Resolves when the writes of `key` queued so far are done (whether or not they succeeded). */
  async barrier(key: string): Promise<void> {
    await this.tails.get(key);
  }

  private fail(error: Error): Error {
    if (!this.failure) {
      this.failure = error;
      this.onFailure(error);
    }
    return this.failure;
  }
}
