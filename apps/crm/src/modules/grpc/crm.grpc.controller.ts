import { Controller } from '@nestjs/common';
import { CrmV1, fromTimestamp } from '@cc/contracts';
import { AppError } from '@cc/platform';
import { CustomersService } from '../customers/customers.service';
import { DncService } from '../dnc/dnc.service';
import { InteractionsService } from '../interactions/interactions.service';
import { ScreenPopService } from '../screen-pop/screen-pop.service';
import {
  channelFromProto,
  customerToProto,
  directionFromProto,
  patchFromUpdate,
  screenPopToProto,
  verdictToProto,
} from './crm-grpc.mapper';

/**
 * crm's gRPC face for the other services. Thin: the tenant comes from the `x-tenant-id` metadata
 * (GrpcTenantInterceptor, installed by connectGrpcMicroservice), errors map to statuses there too.
 */
@Controller()
@CrmV1.CrmServiceControllerMethods()
export class CrmGrpcController implements CrmV1.CrmServiceController {
  constructor(
    private readonly screenPops: ScreenPopService,
    private readonly dnc: DncService,
    private readonly interactions: InteractionsService,
    private readonly customers: CustomersService,
  ) {}

  async screenPop(request: CrmV1.ScreenPopRequest): Promise<CrmV1.ScreenPopResponse> {
    return screenPopToProto(
      await this.screenPops.lookup(request.callerNumber, request.defaultCountry || undefined),
    );
  }

  async checkDoNotCall(request: CrmV1.CheckDoNotCallRequest): Promise<CrmV1.CheckDoNotCallResponse> {
    const verdicts = await this.dnc.check(request.phoneNumbers, request.defaultCountry || undefined);
    return { results: verdicts.map(verdictToProto) };
  }

  async recordInteraction(request: CrmV1.RecordInteractionRequest): Promise<CrmV1.RecordInteractionResponse> {
    const channel = channelFromProto(request.channel);
    if (!channel) {
      throw AppError.invalid([
        { field: 'channel', rule: 'required', message: 'must be set (CALL, NOTE, EMAIL or CALLBACK)' },
      ]);
    }
    const optional = (value: string) => (value === '' ? undefined : value);
    const direction = directionFromProto(request.direction);
    const result = await this.interactions.record({
      eventId: request.eventId,
      customerId: optional(request.customerId),
      phoneNumber: optional(request.phoneNumber),
      channel,
      ...(direction ? { direction } : {}),
      callId: optional(request.callId),
      queueId: optional(request.queueId),
      agentId: optional(request.agentId),
      campaignId: optional(request.campaignId),
      waitMs: request.waitSeconds * 1000,
      talkMs: request.talkSeconds * 1000,
      holdMs: request.holdSeconds * 1000,
      disposition: optional(request.disposition),
      recordingRef: optional(request.recordingRef),
      notes: optional(request.notes),
      startedAt: fromTimestamp(request.startedAt),
      endedAt: fromTimestamp(request.endedAt),
    });
    return {
      interactionId: result.interactionId,
      customerId: result.customerId ?? '',
      created: result.created,
    };
  }

  async getCustomer(request: CrmV1.GetCustomerRequest): Promise<CrmV1.GetCustomerResponse> {
    return { customer: customerToProto(await this.customers.get(request.customerId)) };
  }

  async updateCustomer(request: CrmV1.UpdateCustomerRequest): Promise<CrmV1.UpdateCustomerResponse> {
    const { patch, unknown } = patchFromUpdate(request);
    if (unknown.length > 0) {
      throw AppError.invalid(
        unknown.map((path) => ({
          field: 'updatePaths',
          rule: 'unknown_path',
          message: `${path} cannot be updated`,
        })),
      );
    }
    if (request.updatePaths.length === 0) {
      throw AppError.invalid([
        { field: 'updatePaths', rule: 'required', message: 'name at least one field to change' },
      ]);
    }
    const expected = request.expectedVersion === 0 ? undefined : request.expectedVersion;
    const customer = await this.customers.update(request.customerId, patch, expected, {
      fromText: true,
      fieldPrefix: 'customer',
    });
    return { customer: customerToProto(customer) };
  }
}
