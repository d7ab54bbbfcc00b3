import type { KV } from '@nats-io/kv';
import { CasConflictError, type StateStore, type StoredEntry } from './state-store';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isCasConflict(error: unknown): boolean {
  const message = (error as Error | undefined)?.message ?? '';
  // JetStream answers a failed expected-last-subject-sequence check with this text (err_code 10071).
  return /wrong last sequence|key exists/i.test(message);
}

/** The StateStore on a JetStream KV bucket (history 1: only the latest value matters). */
export class NatsKvStateStore implements StateStore {
  constructor(private readonly kv: KV) {}

  async get(key: string): Promise<StoredEntry | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { key, value: JSON.parse(decoder.decode(entry.value)) as unknown, revision: entry.revision };
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

  async delete(key: string, revision: number): Promise<void> {
    try {
      await this.kv.delete(key, { previousSeq: revision });
    } catch (error) {
      if (isCasConflict(error)) throw new CasConflictError(key, (error as Error).message);
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredEntry[]> {
    const keys: string[] = [];
    const iterator = await this.kv.keys(`${prefix}>`);
    for await (const key of iterator) keys.push(key);
    const entries = await Promise.all(keys.map((key) => this.get(key)));
    return entries.filter((e): e is StoredEntry => e !== undefined);
  }
}
