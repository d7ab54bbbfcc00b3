/** An element of an IndexedHeap: the heap keeps its position here so that removal is O(log n). */
export interface HeapSlot {
  heapPos: number;
}

/**
 * A binary min-heap (by `before`) whose elements know their own position, so an arbitrary element
 * can be removed in O(log n) — a caller who hangs up leaves the middle of a queue.
 */
export class IndexedHeap<T extends HeapSlot> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapPos = this.items.length;
    this.items.push(item);
    this.up(item.heapPos);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  has(item: T): boolean {
    return item.heapPos >= 0 && this.items[item.heapPos] === item;
  }

  remove(item: T): void {
    const pos = item.heapPos;
    if (!this.has(item)) throw new Error('IndexedHeap.remove: element is not in this heap');
    const last = this.items.pop() as T;
    item.heapPos = -1;
    if (last === item) return;
    this.items[pos] = last;
    last.heapPos = pos;
    this.up(pos);
    this.down(last.heapPos);
  }

  /** Elements in no particular order (for diagnostics and invariant checks). */
  values(): readonly T[] {
    return this.items;
  }

  private up(pos: number): void {
    const items = this.items;
    const item = items[pos] as T;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = items[parentPos] as T;
      if (!this.before(item, parent)) break;
      items[pos] = parent;
      parent.heapPos = pos;
      pos = parentPos;
    }
    items[pos] = item;
    item.heapPos = pos;
  }

  private down(pos: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[pos] as T;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.before(items[right] as T, items[left] as T)) child = right;
      const c = items[child] as T;
      if (!this.before(c, item)) break;
      items[pos] = c;
      c.heapPos = pos;
      pos = child;
    }
    items[pos] = item;
    item.heapPos = pos;
  }
}
