export const CRM_PORT = Symbol('CRM_PORT');

export interface ScreenPopResult {
  customerId: string;
  displayName: string;
  /** CommonV1.ValueTier: 0 unknown .. 4 top. */
  valueTier: number;
  language: string;
  consentRecording: boolean | undefined;
}

/** Who is calling. Implementations never throw and never wait past their deadline: undefined instead. */
export interface CrmPort {
  screenPop(tenantId: string, callerNumber: string, callId: string): Promise<ScreenPopResult | undefined>;
}
