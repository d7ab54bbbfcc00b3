import type { KV } from '@nats-io/kv';
import type { CallStore } from '../calls/calls.service';
import type { CallSnapshot } from '../calls/call.types';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Live call state in JetStream KV, one key per call, so the standby can carry the node's calls on.
 * Writes are queued per call (a call's states land in order) and never hold the call up. A fenced
 * writer (one that lost the lease) writes nothing more: its successor owns these keys now.
 */
export class KvCallStateStore implements CallStore {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly kv: KV,
    private readonly mayWrite: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  save(snapshot: CallSnapshot): void {
    const data = encoder.encode(JSON.stringify(snapshot));
    this.enqueue(snapshot.callId, () => this.kv.put(keyOf(snapshot.callId), data).then(() => undefined));
  }

  remove(callId: string): void {
    this.enqueue(callId, () => this.kv.purge(keyOf(callId)));
  }

  async list(): Promise<CallSnapshot[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    const out: CallSnapshot[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry && entry.operation === 'PUT')
        out.push(JSON.parse(decoder.decode(entry.value)) as CallSnapshot);
    }
    return out;
  }

  /** Resolves once every write queued so far is done. */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(callId: string, write: () => Promise<void>): void {
    const previous = this.chains.get(callId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (!this.mayWrite()) return;
      await write().catch((error: unknown) => this.onError(error));
    });
    this.chains.set(callId, next);
    void next.then(() => {
      if (this.chains.get(callId) === next) this.chains.delete(callId);
    });
  }
}

/** KV keys are dot-separated tokens of [-/_=.a-zA-Z0-9]; call ids are, but guard anyway. */
function keyOf(callId: string): string {
  return callId.replace(/[^-/_=.a-zA-Z0-9]/g, '_');
}
