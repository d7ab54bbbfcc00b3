/**
 * A bounded, least-recently-used set of event ids this process has already processed. A cheap
 * first filter against redeliveries to the same instance only: it is lost on restart and not
 * shared between replicas, so the durable guarantee is the `processed_event` inbox.
 */
export class RecentEventIds {
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  has(id: string): boolean {
    if (!this.ids.has(id)) return false;
    // Refresh recency: Map iteration order is insertion order.
    this.ids.delete(id);
    this.ids.set(id, true);
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
