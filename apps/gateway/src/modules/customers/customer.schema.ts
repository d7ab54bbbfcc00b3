import { EntityIdSchema } from '@cc/contracts';
import { z } from 'zod';

/**
 * The customer resource as crm keeps it. The gateway checks the shape (types, sizes, unknown fields)
 * and crm the meaning (phone numbers in any format, time zones, language tags, custom field rules),
 * naming the field either way.
 */
const Name = z.string().trim().min(1).max(100);
const Address = z.strictObject({
  line1: z.string().max(200).optional(),
  line2: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
  region: z.string().max(100).optional(),
  postalCode: z.string().max(20).optional(),
  country: z.string().max(2).optional().describe('ISO 3166-1 alpha-2, e.g. DE.'),
});
const Phone = z.strictObject({
  number: z.string().min(1).max(64).describe('Any format: E.164, national, with spaces or an extension.'),
  kind: z.enum(['mobile', 'home', 'work', 'other']).optional(),
});
const Consent = z.strictObject({ recording: z.boolean(), marketing: z.boolean() });
const CustomFields = z
  .record(z.string().max(63), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]))
  .describe('Values checked against the tenant’s custom field definitions.');

export const CreateCustomerSchema = z.strictObject({
  firstName: Name.optional(),
  lastName: Name.optional(),
  displayName: Name.max(200).optional(),
  language: z.string().max(35).optional().describe('BCP 47, e.g. de-CH.'),
  timeZone: z.string().max(64).optional().describe('IANA, e.g. Europe/Zurich.'),
  emails: z.array(z.email().max(254)).max(20).optional(),
  addresses: z.array(Address).max(10).optional(),
  phoneNumbers: z.array(Phone).max(20).optional(),
  externalRef: z.string().trim().min(1).max(128).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  customFields: CustomFields.optional(),
  consent: Consent.optional(),
});
export type CreateCustomer = z.infer<typeof CreateCustomerSchema>;

/** Fields present are changed; `null` clears; lists replace; `customFields` merges (null removes). */
export const UpdateCustomerSchema = z.strictObject({
  firstName: Name.nullable().optional(),
  lastName: Name.nullable().optional(),
  displayName: Name.max(200).optional(),
  language: z.string().max(35).nullable().optional(),
  timeZone: z.string().max(64).nullable().optional(),
  emails: z.array(z.email().max(254)).max(20).optional(),
  addresses: z.array(Address).max(10).optional(),
  phoneNumbers: z.array(Phone).max(20).optional(),
  externalRef: z.string().trim().min(1).max(128).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  customFields: CustomFields.optional(),
  consent: Consent.partial().strict().optional(),
});
export type UpdateCustomer = z.infer<typeof UpdateCustomerSchema>;

export const SearchCustomersSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional().describe('Part of a name.'),
  phone: z.string().trim().min(1).max(64).optional().describe('A phone number in any format.'),
  email: z.string().trim().min(1).max(254).optional(),
  tag: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page')
    .optional(),
});
export type SearchCustomers = z.infer<typeof SearchCustomersSchema>;

export const CustomerViewSchema = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  displayName: z.string(),
  language: z.string().nullable(),
  timeZone: z.string().nullable(),
  emails: z.array(z.string()),
  addresses: z.array(z.record(z.string(), z.unknown())),
  phoneNumbers: z.array(z.record(z.string(), z.unknown())),
  externalRef: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  consent: z.object({ recording: z.boolean(), marketing: z.boolean() }),
  lifetimeValue: z.object({ amountMinor: z.string(), currency: z.string() }),
  valueTier: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomerView = z.infer<typeof CustomerViewSchema>;

export const InteractionViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  customerId: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  channel: z.string(),
  direction: z.string().nullable(),
  callId: z.string().nullable(),
  queueId: z.string().nullable(),
  agentId: z.string().nullable(),
  campaignId: z.string().nullable(),
  waitMs: z.number().nullable(),
  talkMs: z.number().nullable(),
  holdMs: z.number().nullable(),
  disposition: z.string().nullable(),
  recordingRef: z.string().nullable(),
  notes: z.string().nullable(),
  occurredAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type InteractionView = z.infer<typeof InteractionViewSchema>;

export const CreateNoteSchema = z.strictObject({
  eventId: EntityIdSchema.describe('Your id for this note: a retry with the same id records it once.'),
  channel: z.enum(['note', 'email', 'callback', 'call']).default('note'),
  notes: z.string().min(1).max(10_000),
  agentId: EntityIdSchema.optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateNote = z.infer<typeof CreateNoteSchema>;

export const ImportQuerySchema = z.strictObject({
  onDuplicate: z
    .enum(['skip', 'merge'])
    .default('skip')
    .describe('A row matching an existing customer (phone, email or external ref) is skipped or merged.'),
  map: z
    .string()
    .max(4_000)
    .regex(/^([^:,]+:[^:,]+)(,[^:,]+:[^:,]+)*$/, 'must be Header:column pairs separated by commas')
    .optional()
    .describe('Your CSV headers to crm columns, e.g. `Vorname:first_name,Telefon:phone`.'),
});
export type ImportQuery = z.infer<typeof ImportQuerySchema>;

export const ImportReportSchema = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  merged: z.number().int(),
  skipped: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;
