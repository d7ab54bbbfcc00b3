import { z } from 'zod';

export const PHONE_KINDS = ['mobile', 'home', 'work', 'other'] as const;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const Name = z.string().trim().min(1).max(100);

export const AddressSchema = z
  .object({
    line1: z.string().trim().max(200).default(''),
    line2: z.string().trim().max(200).default(''),
    city: z.string().trim().max(100).default(''),
    region: z.string().trim().max(100).default(''),
    postalCode: z.string().trim().max(20).default(''),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .or(z.literal(''))
      .default(''),
  })
  .strict();
export type Address = z.infer<typeof AddressSchema>;

export const PhoneInputSchema = z
  .object({
    number: z.string().max(64),
    kind: z.enum(PHONE_KINDS).default('other'),
  })
  .strict();
export type PhoneInput = z.infer<typeof PhoneInputSchema>;

export const ConsentSchema = z.object({ recording: z.boolean(), marketing: z.boolean() }).strict();

export const CustomFieldInputSchema = z.record(
  z.string().max(63),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

const CustomerFields = {
  firstName: Name.optional(),
  lastName: Name.optional(),
  displayName: Name.max(200).optional(),
  language: z
    .string()
    .max(35)
    .refine(isLanguageTag, 'must be a BCP 47 language tag such as de-CH')
    .optional(),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Zurich')
    .optional(),
  emails: z.array(z.email().max(254)).max(20),
  addresses: z.array(AddressSchema).max(10),
  phoneNumbers: z.array(PhoneInputSchema).max(20),
  externalRef: z.string().trim().min(1).max(128).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50),
  customFields: CustomFieldInputSchema,
  consent: ConsentSchema,
};

/** A new customer (REST body, CSV row after mapping). Unknown fields are refused. */
export const CreateCustomerSchema = z
  .object({
    ...CustomerFields,
    emails: CustomerFields.emails.default([]),
    addresses: CustomerFields.addresses.default([]),
    phoneNumbers: CustomerFields.phoneNumbers.default([]),
    tags: CustomerFields.tags.default([]),
    customFields: CustomerFields.customFields.default({}),
    consent: CustomerFields.consent.default({ recording: false, marketing: false }),
  })
  .strict()
  .refine(
    (c) =>
      c.firstName !== undefined ||
      c.lastName !== undefined ||
      c.displayName !== undefined ||
      c.phoneNumbers.length > 0 ||
      c.emails.length > 0,
    { path: ['displayName'], message: 'a customer needs a name, a phone number or an email' },
  );
export type CreateCustomerInput = z.infer<typeof CreateCustomerSchema>;

/**
 * A change: only the fields present are changed; `null` clears an optional field; `phoneNumbers`,
 * `emails`, `addresses` and `tags` replace the whole list; `customFields` merges (null removes a key).
 */
export const UpdateCustomerSchema = z
  .object({
    firstName: Name.nullable().optional(),
    lastName: Name.nullable().optional(),
    displayName: Name.max(200).optional(),
    language: CustomerFields.language.unwrap().nullable().optional(),
    timeZone: CustomerFields.timeZone.unwrap().nullable().optional(),
    emails: CustomerFields.emails.optional(),
    addresses: CustomerFields.addresses.optional(),
    phoneNumbers: CustomerFields.phoneNumbers.optional(),
    externalRef: CustomerFields.externalRef.unwrap().nullable().optional(),
    tags: CustomerFields.tags.optional(),
    customFields: CustomerFields.customFields.optional(),
    consent: ConsentSchema.partial().strict().optional(),
  })
  .strict();
export type UpdateCustomerInput = z.infer<typeof UpdateCustomerSchema>;

export const SearchCustomersSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    phone: z.string().trim().min(1).max(64).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    tag: z.string().trim().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page')
      .optional(),
  })
  .strict();
export type SearchCustomersQuery = z.infer<typeof SearchCustomersSchema>;
