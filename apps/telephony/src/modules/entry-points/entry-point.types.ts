import type { IvrFlowDefinition } from '../flows/ivr-flow.schema';

export const ENTRY_POINT_LOOKUP = Symbol('ENTRY_POINT_LOOKUP');

/** Per-tenant telephony policy that the call engine needs while a call runs. */
export interface TenantTelephonySettings {
  timeZone: string;
  /** Whole days closed (`YYYY-MM-DD` in the time zone), on top of each flow's own holidays. */
  holidays: string[];
  /** Record connected calls. */
  recordCalls: boolean;
  /** Played to both parties before the recording starts; none = record without announcement. */
  consentPrompt: string[] | undefined;
  /** The outbound safe-harbour message (played when no agent is there in time). */
  safeHarbourPrompt: string[];
  /** Queue position / wait announcements interval when a queue step sets none; 0 = never. */
  announceEverySeconds: number;
}

/** What a dialed number resolves to. */
export interface EntryPointTarget {
  tenantId: string;
  did: string;
  flowId: string;
  /** The saved version of the flow this call runs (absent for flows not from the database). */
  flowVersion?: number;
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
  holidays: [],
  recordCalls: false,
  consentPrompt: undefined,
  safeHarbourPrompt: ['sound:vm-goodbye'],
  announceEverySeconds: 30,
};
