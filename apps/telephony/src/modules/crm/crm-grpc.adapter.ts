import { CrmV1 } from '@cc/contracts';
import { createGrpcClient, type GrpcClient } from '@cc/platform';
import type { CrmPort, ScreenPopResult } from './crm.port';

/**
 * Screen pop over gRPC with a tight deadline: a slow or absent crm costs the call at most
 * `deadlineMs` of waiting for its enrichment, never the call itself.
 */
export class CrmGrpcAdapter implements CrmPort {
  private readonly client: GrpcClient<typeof CrmV1.CrmServiceService>;

  constructor(
    address: string,
    private readonly deadlineMs = 150,
    private readonly onFailure: (error: unknown) => void = () => undefined,
  ) {
    this.client = createGrpcClient(CrmV1.CrmServiceService, {
      address,
      defaultDeadlineMs: deadlineMs,
      actor: 'telephony',
    });
  }

  async screenPop(
    tenantId: string,
    callerNumber: string,
    callId: string,
  ): Promise<ScreenPopResult | undefined> {
    try {
      const response = await this.client.screenPop(
        { callerNumber, defaultCountry: '', callId },
        { tenantId, deadlineMs: this.deadlineMs },
      );
      if (!response.found || !response.customer) return undefined;
      const c = response.customer;
      return {
        customerId: c.customerId,
        displayName: c.displayName,
        valueTier: c.valueTier,
        language: c.language,
        consentRecording: c.consent?.recording,
      };
    } catch (error) {
      this.onFailure(error);
      return undefined;
    }
  }

  close(): void {
    this.client.close();
  }
}
