import { Injectable } from '@nestjs/common';
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

/**
 * The whole pop in one statement: the customer owning the number, with its phones, open leads
 * (best score first) and last interactions (newest first) as JSON sub-selects, each on an index.
 */
const SCREEN_POP_SQL = `
SELECT c.id, c.tenant_id, c.first_name, c.last_name, c.display_name, c.language, c.time_zone, c.emails,
       c.addresses, c.external_ref, c.tags, c.custom_fields, c.consent_recording, c.consent_marketing,
       c.lifetime_value_minor::text AS lifetime_value_minor, c.value_tier, c.version, c.created_at, c.updated_at,
       (SELECT coalesce(json_agg(json_build_object('e164', p.e164, 'raw', p.raw, 'extension', p.extension,
                                                   'kind', p.kind) ORDER BY p.created_at), '[]'::json)
          FROM phone_number p WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id) AS phones,
       (SELECT coalesce(json_agg(l), '[]'::json) FROM (
          SELECT id, customer_id, source, product, score, status, owner_id, next_action, next_action_at, version,
                 created_at, updated_at
            FROM lead
           WHERE tenant_id = c.tenant_id AND customer_id = c.id AND status = ANY($3::text[])
           ORDER BY score DESC, created_at DESC LIMIT ${OPEN_LEADS}) l) AS leads,
       (SELECT coalesce(json_agg(i), '[]'::json) FROM (
          SELECT id, event_id, customer_id, phone_e164, channel, direction, call_id, queue_id, agent_id, campaign_id,
                 wait_ms, talk_ms, hold_ms, disposition, recording_ref, notes, occurred_at, started_at, ended_at
            FROM interaction
           WHERE tenant_id = c.tenant_id AND customer_id = c.id
           ORDER BY occurred_at DESC LIMIT ${RECENT_INTERACTIONS}) i) AS interactions
  FROM phone_number pn
  JOIN customer c ON c.id = pn.customer_id AND c.tenant_id = pn.tenant_id
 WHERE pn.tenant_id = $1 AND pn.e164 = $2`;

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
  created_at: Date;
  updated_at: Date;
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
 * deadline (150 ms), so this is one indexed statement in a read-only tenant transaction on the
 * pg pool, with the tenant's settings cached. An unknown or unparseable caller is an empty answer,
 * never an error: the call goes on without a profile.
 */
@Injectable()
export class ScreenPopService {
  constructor(
    private readonly database: CrmDatabase,
    private readonly settings: TenantSettingsCache,
  ) {}

  async lookup(callerNumber: string, defaultCountry?: string): Promise<ScreenPop> {
    return this.database.tenantRead(async (client, tenantId) => {
      const settings = await this.settings.get(client, tenantId);
      const parsed = parsePhoneNumber(callerNumber, defaultCountry || settings.defaultCountry || undefined);
      const empty: ScreenPop = { caller: null, customer: null, openLeads: [], recentInteractions: [] };
      if (!parsed.ok) return empty;
      const caller = {
        e164: parsed.number.e164,
        raw: callerNumber,
        extension: parsed.number.extension ?? null,
      };
      const { rows } = await client.query<PopRow>(SCREEN_POP_SQL, [tenantId, caller.e164, OPEN_STATUSES]);
      const row = rows[0];
      if (!row) return { ...empty, caller };
      return {
        caller,
        customer: toCustomer(row, settings.currency),
        openLeads: row.leads.map(toLead),
        recentInteractions: row.interactions.map(toInteraction),
      };
    });
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
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
