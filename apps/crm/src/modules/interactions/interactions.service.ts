import { Injectable } from '@nestjs/common';
import { AppError, parseOrThrow } from '@cc/platform';
import { Clock } from '../../infrastructure/clock';
import { CrmDatabase, type CrmTx } from '../../infrastructure/crm-database';
import { newId } from '../../infrastructure/id.util';
import { CustomersRepository } from '../customers/customers.repository';
import { parsePhoneNumber } from '../phone/phone-number.util';
import { SettingsRepository } from '../settings/settings.repository';
import {
  type InteractionRecord,
  type RecordInteractionCommand,
  type RecordInteractionResult,
  RecordInteractionSchema,
} from './interaction.model';
import { InteractionsRepository } from './interactions.repository';

@Injectable()
export class InteractionsService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly interactions: InteractionsRepository,
    private readonly customers: CustomersRepository,
    private readonly settings: SettingsRepository,
    private readonly clock: Clock,
  ) {}

  /** Validates and records an interaction in its own transaction (gRPC, REST). */
  async record(input: unknown, fieldPrefix = ''): Promise<RecordInteractionResult> {
    const command = parseOrThrow(RecordInteractionSchema, input, fieldPrefix);
    return this.database.tenant((tx, tenantId) => this.recordInTx(tx, tenantId, command));
  }

  /**
   * Records an interaction inside the caller's transaction (the call-facts consumer also claims its
   * inbox row in it). Idempotent by event id: a repeat returns the first interaction, `created:
   * false`. The customer is the one named, else the owner of the phone number; a caller nobody knows
   * gets an interaction without a customer (kept by number): crm does not invent customers from
   * every caller.
   */
  async recordInTx(
    tx: CrmTx,
    tenantId: string,
    command: RecordInteractionCommand,
  ): Promise<RecordInteractionResult> {
    const existing = await this.interactions.findByEventId(tx, tenantId, command.eventId);
    if (existing) return { interactionId: existing.id, customerId: existing.customerId, created: false };

    let phoneE164: string | null = null;
    if (command.phoneNumber !== undefined) {
      const settings = await this.settings.get(tx, tenantId);
      const parsed = parsePhoneNumber(command.phoneNumber, settings.defaultCountry ?? undefined);
      if (parsed.ok) phoneE164 = parsed.number.e164;
    }
    let customerId: string | null = null;
    if (command.customerId !== undefined) {
      const customer = await this.customers.findById(tx, tenantId, command.customerId);
      if (customer) customerId = customer.id;
      else if (phoneE164 === null) throw AppError.notFound('customer', command.customerId);
    }
    if (customerId === null && phoneE164 !== null) {
      customerId = (await this.customers.findIdByPhone(tx, tenantId, phoneE164)) ?? null;
    }
    const occurredAt = command.occurredAt ?? command.startedAt ?? this.clock.now();
    const record: InteractionRecord = {
      id: newId('int'),
      eventId: command.eventId,
      customerId,
      phoneE164,
      channel: command.channel,
      direction: command.direction ?? null,
      callId: command.callId ?? null,
      queueId: command.queueId ?? null,
      agentId: command.agentId ?? null,
      campaignId: command.campaignId ?? null,
      waitMs: command.waitMs ?? null,
      talkMs: command.talkMs ?? null,
      holdMs: command.holdMs ?? null,
      disposition: command.disposition ?? null,
      recordingRef: command.recordingRef ?? null,
      notes: command.notes ?? null,
      occurredAt,
      startedAt: command.startedAt ?? null,
      endedAt: command.endedAt ?? null,
    };
    const inserted = await this.interactions.insertOnce(tx, tenantId, record);
    if (!inserted) {
      // A concurrent writer of the same event id won between our check and our insert.
      const winner = await this.interactions.findByEventId(tx, tenantId, command.eventId);
      return { interactionId: winner!.id, customerId: winner!.customerId, created: false };
    }
    return { interactionId: record.id, customerId, created: true };
  }

  async listForCustomer(customerId: string, limit = 50): Promise<InteractionRecord[]> {
    return this.database.tenant(async (tx, tenantId) => {
      const customer = await this.customers.findById(tx, tenantId, customerId);
      if (!customer) throw AppError.notFound('customer', customerId);
      return this.interactions.recentForCustomer(tx, tenantId, customerId, limit);
    });
  }
}
