import { Injectable } from '@nestjs/common';
import { TenantContext } from '@cc/platform';
import { CrmDatabase } from '../../infrastructure/crm-database';
import type { CustomFieldValues } from '../customers/custom-field.util';
import type { CustomerPhone, CustomerRecord } from '../customers/customer.model';
import type { Address } from '../customers/customer.schema';
import type { CallDirection, InteractionChannel, InteractionRecord } from '../interactions/interaction.model';
import { isOpen, LEAD_STATUSES, type LeadStatus } from '../leads/lead-pipeline.util';
import type { LeadRecord } from '../leads/leads.service';
import { parsePhoneNumber } from '../phone/phone-number.util';
import { TenantSettingsCache } from '../settings/tenant-settings.cache';

export const RECENT_INTERACTIONS = 5;
export const OPEN_LEADS = 10;

export interface ScreenPop {
  /** The caller's number as normalized; null when it did not parse (withheld, garbage). */
  caller: { e164: string; raw: string; extension: string | null } | null;
  customer: CustomerRecord | null;
  openLeads: LeadRecord[];
  /** Newest first. */
  recentInteractions: InteractionRecord[];
}

const OPEN_STATUSES: string[] = LEAD_STATUSES.filter(isOpen);

interface PopRow {
  id: string;
  tenant_id: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  language: string | null;
  time_zone: string | null;
  emails: string[] | null;
  addresses: Address[];
  external_ref: string | null;
  tags: string[] | null;
  custom_fields: CustomFieldValues;
  consent_recording: boolean;
  consent_marketing: boolean;
  lifetime_value_minor: string;
  value_tier: number;
  version: number;
  created_at: string;
  updated_at: string;
  phones: CustomerPhone[];
  leads: LeadJson[];
  interactions: InteractionJson[];
}

interface LeadJson {
  id: string;
  customer_id: string;
  source: string;
  product: string;
  score: number;
  status: string;
  owner_id: string | null;
  next_action: string | null;
  next_action_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

interface InteractionJson {
  id: string;
  event_id: string;
  customer_id: string | null;
  phone_e164: string | null;
  channel: string;
  direction: string | null;
  call_id: string | null;
  queue_id: string | null;
  agent_id: string | null;
  campaign_id: string | null;
  wait_ms: number | null;
  talk_ms: number | null;
  hold_ms: number | null;
  disposition: string | null;
  recording_ref: string | null;
  notes: string | null;
  occurred_at: string;
  started_at: string | null;
  ended_at: string | null;
}

const date = (value: string | null): Date | null => (value === null ? null : new Date(value));

/**
 * Who is calling, for the agent's screen before they say hello. Telephony asks with a tight
 * deadline (150 ms), so this is one round trip to Postgres (a prepared call of a PL/pgSQL function
 * that sets the tenant for row-level security and runs one indexed statement), with the tenant's
 * settings cached and numbers already in E.164 settled without libphonenumber. An unknown or unparseable caller is an empty answer,
 * never an error: the call goes on without a profile.
 */
@Injectable()
export class ScreenPopService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly settings: TenantSettingsCache,
  ) {}

  async lookup(callerNumber: string, defaultCountry?: string): Promise<ScreenPop> {
    const settings =
      this.settings.peek(TenantContext.require()) ??
      (await this.database.tenantRead((client, tenantId) => this.settings.get(client, tenantId)));
    const parsed = parsePhoneNumber(callerNumber, defaultCountry || settings.defaultCountry || undefined);
    const empty: ScreenPop = { caller: null, customer: null, openLeads: [], recentInteractions: [] };
    if (!parsed.ok) return empty;
    const caller = {
      e164: parsed.number.e164,
      raw: callerNumber,
      extension: parsed.number.extension ?? null,
    };
    // One round trip: the migration's screen_pop() scopes itself to the tenant and answers the whole
    // pop (customer, phones, open leads, last interactions) as one JSON value, each part on an index.
    const [result] = await this.database.tenantFunction<{ screen_pop: PopRow | null }>('screen_pop', [
      caller.e164,
      OPEN_STATUSES,
      OPEN_LEADS,
      RECENT_INTERACTIONS,
    ]);
    const row = result?.screen_pop;
    if (!row) return { ...empty, caller };
    return {
      caller,
      customer: toCustomer(row, settings.currency),
      openLeads: row.leads.map(toLead),
      recentInteractions: row.interactions.map(toInteraction),
    };
  }
}

function toCustomer(row: PopRow, currency: string): CustomerRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    language: row.language,
    timeZone: row.time_zone,
    emails: row.emails ?? [],
    addresses: row.addresses,
    phoneNumbers: row.phones,
    externalRef: row.external_ref,
    tags: row.tags ?? [],
    customFields: row.custom_fields,
    consent: { recording: row.consent_recording, marketing: row.consent_marketing },
    lifetimeValueMinor: BigInt(row.lifetime_value_minor),
    currency,
    valueTier: row.value_tier,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function toLead(l: LeadJson): LeadRecord {
  return {
    id: l.id,
    customerId: l.customer_id,
    source: l.source,
    product: l.product,
    score: l.score,
    status: l.status as LeadStatus,
    ownerId: l.owner_id,
    nextAction: l.next_action,
    nextActionAt: date(l.next_action_at),
    version: l.version,
    createdAt: new Date(l.created_at),
    updatedAt: new Date(l.updated_at),
  };
}

function toInteraction(i: InteractionJson): InteractionRecord {
  return {
    id: i.id,
    eventId: i.event_id,
    customerId: i.customer_id,
    phoneE164: i.phone_e164,
    channel: i.channel as InteractionChannel,
    direction: i.direction as CallDirection | null,
    callId: i.call_id,
    queueId: i.queue_id,
    agentId: i.agent_id,
    campaignId: i.campaign_id,
    waitMs: i.wait_ms,
    talkMs: i.talk_ms,
    holdMs: i.hold_ms,
    disposition: i.disposition,
    recordingRef: i.recording_ref,
    notes: i.notes,
    occurredAt: new Date(i.occurred_at),
    startedAt: date(i.started_at),
    endedAt: date(i.ended_at),
  };
}
