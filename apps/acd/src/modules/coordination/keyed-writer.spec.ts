import { KeyedWriter } from './keyed-writer';
import { InMemoryStateStore } from './state-store';

describe('KeyedWriter', () => {
  function recordingStore() {
    const puts: { key: string; value: unknown }[] = [];
    let release: (() => void) | undefined;
    const store = new InMemoryStateStore(async (op, key) => {
      if (op === 'create' || op === 'update') {
        // Each write waits until the test lets it land, so later writes queue behind it.
        await new Promise<void>((resolve) => (release = resolve));
        puts.push({ key, value: undefined });
      }
    });
    return { store, puts, land: () => release?.() };
  }

  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('coalesces plain writes queued behind one in flight; both resolve with the revision of the one write', async () => {
    const { store, puts, land } = recordingStore();
    const writer = new KeyedWriter(store, () => undefined);
    const first = writer.write('k', () => ({ state: 'on_call' }));
    await tick();
    const second = writer.write('k', () => ({ state: 'wrap_up' }));
    const third = writer.write('k', () => ({ state: 'available' }));
    land();
    await first;
    await tick();
    land();
    const [r2, r3] = await Promise.all([second, third]);
    expect(r2).toBe(r3);
    expect(puts).toHaveLength(2);
    expect(store.peek('k')?.value).toEqual({ state: 'available' });
    expect(store.peek('k')?.revision).toBe(r3);
  });

  it('never merges a write that reports its revision (a reservation) or depends on another', async () => {
    const { store, puts, land } = recordingStore();
    const writer = new KeyedWriter(store, () => undefined);
    const tokens: number[] = [];
    void writer.write('k', () => ({ state: 'available' }));
    await tick();
    const reserved = writer.write('k', () => ({ state: 'reserved' }), { written: (r) => tokens.push(r) });
    const ringing = writer.write('k', () => ({ state: 'ringing' }));
    for (let i = 0; i < 3; i++) {
      land();
      await tick();
      await tick();
    }
    await Promise.all([reserved, ringing]);
    expect(puts).toHaveLength(3);
    expect(tokens).toEqual([await reserved]);
    expect(await ringing).toBeGreaterThan(await reserved);
  });
});
