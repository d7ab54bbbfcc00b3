/**
 * The shared, versioned store the routers coordinate through (JetStream KV in production, an
 * in-memory fake in tests). Every write is a compare-and-set on the key's revision; the revision
 * that won a reservation is the fencing token.
 */
export interface StoredEntry {
  readonly key: string;
  readonly value: unknown;
  readonly revision: number;
}

export interface StateStore {
  get(key: string): Promise<StoredEntry | undefined>;
  /** Creates the key; throws CasConflictError when it exists. Returns the new revision. */
  create(key: string, value: unknown): Promise<number>;
  /** Replaces the value when the key is still at `revision`; throws CasConflictError otherwise. */
  update(key: string, value: unknown, revision: number): Promise<number>;
  /** Deletes the key when it is still at `revision`; throws CasConflictError otherwise. */
  delete(key: string, revision: number): Promise<void>;
  /** Every live entry whose key starts with `prefix` (a `.`-terminated key prefix). */
  list(prefix: string): Promise<StoredEntry[]>;
}

/** Someone else wrote the key since we read it ("wrong last sequence"). */
export class CasConflictError extends Error {
  constructor(
    readonly key: string,
    detail?: string,
  ) {
    super(`compare-and-set conflict on ${key}${detail ? `: ${detail}` : ''}`);
    this.name = 'CasConflictError';
  }
}

/** KV keys allow `[-/_=.a-zA-Z0-9]`, with `.` as a level separator: ids are escaped into one token. */
export function keyToken(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, (c) => `=${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The store as a test double: one revision counter for the whole bucket (like a JetStream stream
 * sequence), strict compare-and-set, and an optional hook that can fail or delay any operation.
 */
export class InMemoryStateStore implements StateStore {
  private readonly entries = new Map<string, { value: unknown; revision: number }>();
  private sequence = 0;

  constructor(private readonly beforeOp?: (op: string, key: string) => Promise<void> | void) {}

  async get(key: string): Promise<StoredEntry | undefined> {
    await this.beforeOp?.('get', key);
    const entry = this.entries.get(key);
    return entry ? { key, value: structuredClone(entry.value), revision: entry.revision } : undefined;
  }

  async create(key: string, value: unknown): Promise<number> {
    await this.beforeOp?.('create', key);
    if (this.entries.has(key)) throw new CasConflictError(key, 'exists');
    return this.put(key, value);
  }

  async update(key: string, value: unknown, revision: number): Promise<number> {
    await this.beforeOp?.('update', key);
    const entry = this.entries.get(key);
    if (!entry || entry.revision !== revision) throw new CasConflictError(key, 'wrong last sequence');
    return this.put(key, value);
  }

  async delete(key: string, revision: number): Promise<void> {
    await this.beforeOp?.('delete', key);
    const entry = this.entries.get(key);
    if (!entry || entry.revision !== revision) throw new CasConflictError(key, 'wrong last sequence');
    this.sequence++;
    this.entries.delete(key);
  }

  async list(prefix: string): Promise<StoredEntry[]> {
    await this.beforeOp?.('list', prefix);
    const out: StoredEntry[] = [];
    for (const [key, e] of this.entries)
      if (key.startsWith(prefix)) out.push({ key, value: structuredClone(e.value), revision: e.revision });
    return out;
  }

  /** Synchronous view for assertions. */
  peek(key: string): StoredEntry | undefined {
    const entry = this.entries.get(key);
    return entry ? { key, value: entry.value, revision: entry.revision } : undefined;
  }

  private put(key: string, value: unknown): number {
    const revision = ++this.sequence;
    this.entries.set(key, { value: structuredClone(value), revision });
    return revision;
  }
}
