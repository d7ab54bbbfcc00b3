import {
  DEFAULT_TENANT_SETTINGS,
  type EntryPointLookup,
  type EntryPointTarget,
  type TenantTelephonySettings,
} from './entry-point.types';

/** A fixed set of entry points (tests, the demo without a database). */
export class InMemoryEntryPoints implements EntryPointLookup {
  private readonly byDid = new Map<string, EntryPointTarget>();
  private readonly settings = new Map<string, TenantTelephonySettings>();

  add(target: EntryPointTarget): this {
    this.byDid.set(target.did, target);
    this.settings.set(target.tenantId, target.settings);
    return this;
  }

  findByDid(did: string): Promise<EntryPointTarget | undefined> {
    return Promise.resolve(this.byDid.get(did));
  }

  settingsOf(tenantId: string): Promise<TenantTelephonySettings> {
    return Promise.resolve(this.settings.get(tenantId) ?? DEFAULT_TENANT_SETTINGS);
  }
}
