import { NodeLease } from './node-lease';
import { CasConflictError, type Revisioned, type RevisionedStore } from './revisioned-store';

class MemoryStore implements RevisionedStore {
  private readonly entries = new Map<string, Revisioned<unknown>>();
  private seq = 0;

  get<T>(key: string): Promise<Revisioned<T> | undefined> {
    return Promise.resolve(this.entries.get(key) as Revisioned<T> | undefined);
  }

  create(key: string, value: unknown): Promise<number> {
    if (this.entries.has(key)) return Promise.reject(new CasConflictError(key, 'key exists'));
    this.entries.set(key, { value, revision: ++this.seq });
    return Promise.resolve(this.seq);
  }

  update(key: string, value: unknown, revision: number): Promise<number> {
    if (this.entries.get(key)?.revision !== revision)
      return Promise.reject(new CasConflictError(key, 'wrong last sequence'));
    this.entries.set(key, { value, revision: ++this.seq });
    return Promise.resolve(this.seq);
  }
}

describe('NodeLease', () => {
  let now = 1_000;
  const clock = { now: () => now };
  const store = new MemoryStore();
  const a = new NodeLease(store, 'node-1', 'a', 3000, clock, 500);
  const b = new NodeLease(store, 'node-1', 'b', 3000, clock, 500);

  it('one holder at a time; the holder renews; the other takes over only after the lease ended, with a new term', async () => {
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(1);
    expect(await b.tryAcquire()).toBe(false);
    now += 2000;
    expect(await a.tryAcquire()).toBe(true);
    now += 2900;
    expect(await b.tryAcquire()).toBe(false);
    // a stopped renewing (killed): it fences itself before b may take over.
    now += 200;
    expect(a.held()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(b.term).toBe(2);
    expect(b.held()).toBe(true);
    // a comes back: it sees b's lease and stays standby.
    expect(await a.tryAcquire()).toBe(false);
    expect(a.held()).toBe(false);
  });

  it('a concurrent write in between loses the compare-and-set instead of giving two holders', async () => {
    const store2 = new MemoryStore();
    const x = new NodeLease(store2, 'n', 'x', 3000, clock);
    const y = new NodeLease(store2, 'n', 'y', 3000, clock);
    const [rx, ry] = await Promise.all([x.tryAcquire(), y.tryAcquire()]);
    expect([rx, ry].filter(Boolean)).toHaveLength(1);
  });

  it('release hands over at once', async () => {
    await b.release();
    expect(b.held()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(3);
  });
});
