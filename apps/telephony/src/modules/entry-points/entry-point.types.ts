import type { IvrFlowDefinition } from '../flows/ivr-flow.schema';

export const ENTRY_POINT_LOOKUP = Symbol('ENTRY_POINT_LOOKUP');

/** Per-tenant telephony policy that the call engine needs while a call runs. */
export interface TenantTelephonySettings {
  timeZone: string;
  /** Record connected calls. */
  recordCalls: boolean;
  /** Played to both parties before the recording starts; none = record without announcement. */
  consentPrompt: string[] | undefined;
  /** The outbound safe-harbour message (played when no agent is there in time). */
  safeHarbourPrompt: string[];
}

/** What a dialed number resolves to. */
export interface EntryPointTarget {
  tenantId: string;
  did: string;
  flowId: string;
  flow: IvrFlowDefinition;
  settings: TenantTelephonySettings;
}

/** DID -> tenant + flow, operator-wide (the tenant is not known before the lookup). */
export interface EntryPointLookup {
  findByDid(did: string): Promise<EntryPointTarget | undefined>;
  settingsOf(tenantId: string): Promise<TenantTelephonySettings>;
}

export const DEFAULT_TENANT_SETTINGS: TenantTelephonySettings = {
  timeZone: 'UTC',
  recordCalls: false,
  consentPrompt: undefined,
  safeHarbourPrompt: ['sound:vm-goodbye'],
};
