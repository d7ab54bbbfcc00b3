import fc from 'fast-check';
import { IndexedHeap, type HeapSlot } from './indexed-heap.util';

interface Item extends HeapSlot {
  key: number;
  id: number;
}

describe('IndexedHeap', () => {
  it('pops in order after random pushes and removals (model-checked)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ push: fc.integer({ min: 0, max: 50 }) }),
            fc.record({ remove: fc.nat() }),
            fc.constant({ pop: true }),
          ),
        ),
        (ops) => {
          const heap = new IndexedHeap<Item>((a, b) => a.key < b.key || (a.key === b.key && a.id < b.id));
          const model: Item[] = [];
          let id = 0;
          for (const op of ops) {
            if ('push' in op) {
              const item = { key: op.push, id: id++, heapPos: -1 };
              heap.push(item);
              model.push(item);
            } else if ('remove' in op) {
              if (model.length === 0) continue;
              const [item] = model.splice(op.remove % model.length, 1);
              heap.remove(item!);
              expect(heap.has(item!)).toBe(false);
            } else {
              model.sort((a, b) => a.key - b.key || a.id - b.id);
              expect(heap.pop()).toBe(model.shift());
            }
            expect(heap.size).toBe(model.length);
          }
          model.sort((a, b) => a.key - b.key || a.id - b.id);
          for (const m of model) expect(heap.pop()).toBe(m);
          expect(heap.pop()).toBeUndefined();
        },
      ),
    );
  });

  it('refuses to remove a foreign element', () => {
    const heap = new IndexedHeap<Item>((a, b) => a.key < b.key);
    expect(() => heap.remove({ key: 1, id: 1, heapPos: 0 })).toThrow();
  });
});
