import { CommonV1, CrmV1, toTimestamp } from '@cc/contracts';
import type { CustomerRecord } from '../customers/customer.model';
import { customFieldText } from '../customers/custom-field.util';
import type { DncVerdict } from '../dnc/dnc.util';
import {
  type InteractionChannel,
  type InteractionRecord,
  summaryOf,
} from '../interactions/interaction.model';
import type { LeadStatus } from '../leads/lead-pipeline.util';
import type { LeadRecord } from '../leads/leads.service';
import type { ScreenPop } from '../screen-pop/screen-pop.service';

const MINOR_DIGITS = new Map<string, number>();

/**
 * How many minor units a currency has (2 for EUR, 0 for JPY, 3 for BHD), from ICU. Remembered per
 * currency: building an Intl.NumberFormat costs tens of microseconds, on every screen pop otherwise.
 */
function minorDigits(currency: string): number {
  const known = MINOR_DIGITS.get(currency);
  if (known !== undefined) return known;
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // Not an ISO 4217 code ICU knows: assume cents.
  }
  if (MINOR_DIGITS.size < 1_000) MINOR_DIGITS.set(currency, digits);
  return digits;
}

/** Minor units as google.type.Money-shaped units + nanos (same sign). */
export function toMoney(minor: bigint, currency: string): CommonV1.Money {
  const scale = 10n ** BigInt(minorDigits(currency));
  const units = minor / scale;
  const remainder = minor % scale;
  return {
    currencyCode: currency,
    units: Number(units),
    nanos: Number((remainder * 1_000_000_000n) / scale),
  };
}

const LEAD_STATUS: Readonly<Record<LeadStatus, CrmV1.LeadStatus>> = {
  new: CrmV1.LeadStatus.LEAD_STATUS_NEW,
  contacted: CrmV1.LeadStatus.LEAD_STATUS_CONTACTED,
  qualified: CrmV1.LeadStatus.LEAD_STATUS_QUALIFIED,
  proposal: CrmV1.LeadStatus.LEAD_STATUS_PROPOSAL,
  won: CrmV1.LeadStatus.LEAD_STATUS_WON,
  lost: CrmV1.LeadStatus.LEAD_STATUS_LOST,
};

const CHANNEL: Readonly<Record<InteractionChannel, CrmV1.InteractionChannel>> = {
  call: CrmV1.InteractionChannel.INTERACTION_CHANNEL_CALL,
  note: CrmV1.InteractionChannel.INTERACTION_CHANNEL_NOTE,
  email: CrmV1.InteractionChannel.INTERACTION_CHANNEL_EMAIL,
  callback: CrmV1.InteractionChannel.INTERACTION_CHANNEL_CALLBACK,
};

export function channelFromProto(channel: CrmV1.InteractionChannel): InteractionChannel | undefined {
  const found = Object.entries(CHANNEL).find(([, v]) => v === channel);
  return found?.[0] as InteractionChannel | undefined;
}

export function directionFromProto(direction: CommonV1.CallDirection): 'inbound' | 'outbound' | undefined {
  if (direction === CommonV1.CallDirection.CALL_DIRECTION_INBOUND) return 'inbound';
  if (direction === CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND) return 'outbound';
  return undefined;
}

function directionToProto(direction: 'inbound' | 'outbound' | null): CommonV1.CallDirection {
  if (direction === 'inbound') return CommonV1.CallDirection.CALL_DIRECTION_INBOUND;
  if (direction === 'outbound') return CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND;
  return CommonV1.CallDirection.CALL_DIRECTION_UNSPECIFIED;
}

export function leadToProto(l: LeadRecord): CrmV1.Lead {
  return {
    leadId: l.id,
    source: l.source,
    product: l.product,
    score: l.score,
    status: LEAD_STATUS[l.status],
    ownerId: l.ownerId ?? '',
    nextAction: l.nextAction ?? '',
    ...(l.nextActionAt ? { nextActionAt: toTimestamp(l.nextActionAt) } : {}),
  };
}

export function interactionToProto(i: InteractionRecord): CrmV1.InteractionSummary {
  return {
    interactionId: i.id,
    channel: CHANNEL[i.channel],
    direction: directionToProto(i.direction),
    occurredAt: toTimestamp(i.occurredAt),
    queueId: i.queueId ?? '',
    agentId: i.agentId ?? '',
    disposition: i.disposition ?? '',
    talkSeconds: Math.round((i.talkMs ?? 0) / 1000),
    summary: summaryOf(i.notes, i.disposition),
  };
}

export function summaryToProto(c: CustomerRecord): CrmV1.CustomerSummary {
  return {
    customerId: c.id,
    displayName: c.displayName,
    language: c.language ?? '',
    timeZone: c.timeZone ?? '',
    externalRef: c.externalRef ?? '',
    tags: c.tags,
    consent: { recording: c.consent.recording, marketing: c.consent.marketing },
    lifetimeValue: toMoney(c.lifetimeValueMinor, c.currency),
    valueTier: c.valueTier as number,
  };
}

export function customerToProto(c: CustomerRecord): CrmV1.Customer {
  return {
    customerId: c.id,
    firstName: c.firstName ?? '',
    lastName: c.lastName ?? '',
    displayName: c.displayName,
    language: c.language ?? '',
    timeZone: c.timeZone ?? '',
    emails: c.emails,
    addresses: c.addresses.map((a) => ({ ...a })),
    phoneNumbers: c.phoneNumbers.map((p) => ({ e164: p.e164, raw: p.raw, extension: p.extension ?? '' })),
    externalRef: c.externalRef ?? '',
    tags: c.tags,
    customFields: Object.fromEntries(Object.entries(c.customFields).map(([k, v]) => [k, customFieldText(v)])),
    consent: { recording: c.consent.recording, marketing: c.consent.marketing },
    lifetimeValue: toMoney(c.lifetimeValueMinor, c.currency),
    valueTier: c.valueTier as number,
    createdAt: toTimestamp(c.createdAt),
    updatedAt: toTimestamp(c.updatedAt),
    version: c.version,
  };
}

export function screenPopToProto(pop: ScreenPop): CrmV1.ScreenPopResponse {
  return {
    found: pop.customer !== null,
    ...(pop.customer ? { customer: summaryToProto(pop.customer) } : {}),
    openLeads: pop.openLeads.map(leadToProto),
    recentInteractions: pop.recentInteractions.map(interactionToProto),
    ...(pop.caller
      ? { caller: { e164: pop.caller.e164, raw: pop.caller.raw, extension: pop.caller.extension ?? '' } }
      : {}),
  };
}

export function verdictToProto(v: DncVerdict): CrmV1.DoNotCallResult {
  return {
    phoneNumber: v.input,
    e164: v.e164 ?? '',
    blocked: v.blocked,
    invalidNumber: v.invalidNumber,
    scope:
      v.scope === 'operator'
        ? CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_OPERATOR
        : v.scope === 'tenant'
          ? CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_TENANT
          : CrmV1.DoNotCallScope.DO_NOT_CALL_SCOPE_UNSPECIFIED,
    reason: v.reason ?? '',
    ...(v.expiresAt ? { expiresAt: toTimestamp(v.expiresAt) } : {}),
  };
}

/** The update paths UpdateCustomer accepts, and how each reads from the proto Customer. */
const UPDATABLE: Readonly<Record<string, (c: CrmV1.Customer) => [string, unknown]>> = {
  firstName: (c) => ['firstName', c.firstName || null],
  lastName: (c) => ['lastName', c.lastName || null],
  displayName: (c) => ['displayName', c.displayName || undefined],
  language: (c) => ['language', c.language || null],
  timeZone: (c) => ['timeZone', c.timeZone || null],
  emails: (c) => ['emails', c.emails],
  addresses: (c) => ['addresses', c.addresses],
  phoneNumbers: (c) => ['phoneNumbers', c.phoneNumbers.map((p) => ({ number: p.raw || p.e164 }))],
  externalRef: (c) => ['externalRef', c.externalRef || null],
  tags: (c) => ['tags', c.tags],
  customFields: (c) => [
    'customFields',
    Object.fromEntries(Object.entries(c.customFields).map(([k, v]) => [k, v === '' ? null : v])),
  ],
};

/**
 * The REST-shaped patch an UpdateCustomer asks for, or the paths it does not know. Only the paths
 * named are read (proto3 cannot tell "empty" from "unset": an empty string clears the field).
 */
export function patchFromUpdate(request: CrmV1.UpdateCustomerRequest): {
  patch: Record<string, unknown>;
  unknown: string[];
} {
  const customer = request.customer ?? CrmV1.Customer.decode(new Uint8Array());
  const patch: Record<string, unknown> = {};
  const consent: Record<string, boolean> = {};
  const unknown: string[] = [];
  for (const path of request.updatePaths) {
    if (path === 'consent' || path === 'consent.recording' || path === 'consent.marketing') {
      const c = customer.consent ?? { recording: false, marketing: false };
      if (path !== 'consent.marketing') consent.recording = c.recording;
      if (path !== 'consent.recording') consent.marketing = c.marketing;
      continue;
    }
    const read = UPDATABLE[path];
    if (!read) {
      unknown.push(path);
      continue;
    }
    const [key, value] = read(customer);
    if (value !== undefined) patch[key] = value;
  }
  if (Object.keys(consent).length > 0) patch.consent = consent;
  return { patch, unknown };
}
