import type { KV } from '@nats-io/kv';

/** A compare-and-set failed: someone else wrote the key since we read it. */
export class CasConflictError extends Error {
  constructor(key: string, detail: string) {
    super(`compare-and-set on ${key} lost: ${detail}`);
    this.name = 'CasConflictError';
  }
}

export interface Revisioned<T> {
  value: T;
  revision: number;
}

/** The part of a KV bucket the lease needs: reads with revisions and compare-and-set writes. */
export interface RevisionedStore {
  get<T>(key: string): Promise<Revisioned<T> | undefined>;
  /** Fails with CasConflictError when the key exists. */
  create(key: string, value: unknown): Promise<number>;
  /** Fails with CasConflictError unless the key is still at `revision`. */
  update(key: string, value: unknown, revision: number): Promise<number>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isCasConflict(error: unknown): boolean {
  // JetStream answers a failed expected-last-subject-sequence check with this text (err_code 10071).
  return /wrong last sequence|key exists/i.test((error as Error | undefined)?.message ?? '');
}

/** RevisionedStore on a JetStream KV bucket. */
export class KvRevisionedStore implements RevisionedStore {
  constructor(private readonly kv: KV) {}

  async get<T>(key: string): Promise<Revisioned<T> | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: JSON.parse(decoder.decode(entry.value)) as T, revision: entry.revision };
  }

  async create(key: string, value: unknown): Promise<number> {
    try {
      return await this.kv.create(key, encoder.encode(JSON.stringify(value)));
    } catch (error) {
      if (isCasConflict(error)) throw new CasConflictError(key, (error as Error).message);
      throw error;
    }
  }

  async update(key: string, value: unknown, revision: number): Promise<number> {
    try {
      return await this.kv.update(key, encoder.encode(JSON.stringify(value)), revision);
    } catch (error) {
      if (isCasConflict(error)) throw new CasConflictError(key, (error as Error).message);
      throw error;
    }
  }
}
