import { systemClock } from '../../infrastructure/clock';
import { NodeLease, type LeaseRecord } from './node-lease';
import { type NodeEngine, NodeSupervisor } from './node-supervisor';
import { CasConflictError, type Revisioned, type RevisionedStore } from './revisioned-store';

class MemoryStore implements RevisionedStore {
  readonly entries = new Map<string, Revisioned<unknown>>();
  private seq = 0;

  get<T>(key: string): Promise<Revisioned<T> | undefined> {
    return Promise.resolve(this.entries.get(key) as Revisioned<T> | undefined);
  }

  create(key: string, value: unknown): Promise<number> {
    if (this.entries.has(key)) return Promise.reject(new CasConflictError(key, 'key exists'));
    return Promise.resolve(this.put(key, value));
  }

  update(key: string, value: unknown, revision: number): Promise<number> {
    if (this.entries.get(key)?.revision !== revision)
      return Promise.reject(new CasConflictError(key, 'wrong last sequence'));
    return Promise.resolve(this.put(key, value));
  }

  put(key: string, value: unknown): number {
    this.entries.set(key, { value, revision: ++this.seq });
    return this.seq;
  }
}

class FakeEngine implements NodeEngine {
  readonly log: string[] = [];
  start(): Promise<void> {
    this.log.push('start');
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.log.push('stop');
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.log.push('abort');
    return Promise.resolve();
  }
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function until(what: string, check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('NodeSupervisor', () => {
  const supervisors: NodeSupervisor<FakeEngine>[] = [];
  afterEach(async () => {
    for (const s of supervisors.splice(0)) await s.kill();
  });

  function supervisor(store: MemoryStore, holder: string, engines: FakeEngine[]): NodeSupervisor<FakeEngine> {
    const lease = new NodeLease(store, 'node-1', holder, 300, systemClock, 60);
    const s = new NodeSupervisor(
      lease,
      () => {
        const e = new FakeEngine();
        engines.push(e);
        return e;
      },
      30,
      quiet,
    );
    supervisors.push(s);
    return s;
  }

  it('one runs the engine, the other stands by and takes over after the active one dies', async () => {
    const store = new MemoryStore();
    const aEngines: FakeEngine[] = [];
    const bEngines: FakeEngine[] = [];
    const a = supervisor(store, 'a', aEngines);
    const b = supervisor(store, 'b', bEngines);
    await a.start();
    await b.start();
    expect([a.role, b.role]).toEqual(['active', 'standby']);
    await new Promise((r) => setTimeout(r, 400)); // a renews: b stays standby past one TTL
    expect(b.role).toBe('standby');
    await a.kill();
    expect(aEngines[0]?.log).toEqual(['start', 'abort']);
    await until('b active', () => b.role === 'active');
    expect(bEngines[0]?.log).toEqual(['start']);
    expect((store.entries.get('node-1')?.value as LeaseRecord).term).toBe(2);
  });

  it('fences its engine at once when the lease is seen in other hands', async () => {
    const store = new MemoryStore();
    const engines: FakeEngine[] = [];
    const a = supervisor(store, 'a', engines);
    await a.start();
    // Another instance took the node (e.g. this one was paused longer than its lease).
    store.put('node-1', { holder: 'x', until: Date.now() + 10_000, term: 9 } satisfies LeaseRecord);
    await until('a fenced', () => a.role === 'standby');
    expect(engines[0]?.log).toEqual(['start', 'abort']);
    expect(a.current).toBeUndefined();
  });

  it('a graceful stop hands the node over without waiting for the lease to run out', async () => {
    const store = new MemoryStore();
    const a = supervisor(store, 'a', []);
    const bEngines: FakeEngine[] = [];
    const b = supervisor(store, 'b', bEngines);
    await a.start();
    await b.start();
    const stoppedAt = Date.now();
    await a.stop();
    await until('b active', () => b.role === 'active');
    expect(Date.now() - stoppedAt).toBeLessThan(250);
  });
});
