import type { Clock } from '../../infrastructure/clock';
import type { EntryPointLookup, EntryPointTarget, TenantTelephonySettings } from './entry-point.types';
import type { EntryPointsRepository } from './entry-points.repository';

interface Cached<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * The call path's view of entry points: Postgres behind a small cache, since every call asks once
 * and the answer changes only when an admin saves. A change made through any replica clears the
 * cache (`invalidate`, wired to the repository and to the change notices on NATS); the time limit
 * bounds staleness should a notice be lost.
 */
export class PostgresEntryPoints implements EntryPointLookup {
  private readonly dids = new Map<string, Cached<EntryPointTarget | undefined>>();
  private readonly settings = new Map<string, Cached<TenantTelephonySettings>>();
  private generation = 0;

  constructor(
    private readonly repository: Pick<EntryPointsRepository, 'findEntryPoint' | 'findSettings'>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  findByDid(did: string): Promise<EntryPointTarget | undefined> {
    return this.cached(this.dids, did, () => this.repository.findEntryPoint(did));
  }

  settingsOf(tenantId: string): Promise<TenantTelephonySettings> {
    return this.cached(this.settings, tenantId, () => this.repository.findSettings(tenantId));
  }

  invalidate(): void {
    this.generation++;
    this.dids.clear();
    this.settings.clear();
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = map.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const generation = this.generation;
    const value = load();
    const entry = { value, expiresAt: now + this.ttlMs };
    // Concurrent calls to one DID share one query; a failed or outdated load is not kept.
    if (generation === this.generation) map.set(key, entry);
    value.then(
      () => {
        if (generation !== this.generation && map.get(key) === entry) map.delete(key);
      },
      () => {
        if (map.get(key) === entry) map.delete(key);
      },
    );
    return value;
  }
}
