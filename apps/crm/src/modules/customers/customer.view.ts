import { type CustomerRecord, VALUE_TIER_NAMES } from './customer.model';

/** A customer as the REST API shows it (JSON: money as a decimal string of minor units). */
export function customerView(c: CustomerRecord) {
  return {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: c.displayName,
    language: c.language,
    timeZone: c.timeZone,
    emails: c.emails,
    addresses: c.addresses,
    phoneNumbers: c.phoneNumbers,
    externalRef: c.externalRef,
    tags: c.tags,
    customFields: c.customFields,
    consent: c.consent,
    lifetimeValue: { amountMinor: c.lifetimeValueMinor.toString(), currency: c.currency },
    valueTier: VALUE_TIER_NAMES[c.valueTier],
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
export type CustomerView = ReturnType<typeof customerView>;

/** The weak ETag of a customer version (`W/"3"`). */
export function customerEtag(version: number): string {
  return `W/"${version}"`;
}

/** The version an If-Match header names; undefined when absent, null when unreadable. */
export function versionFromIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined || header === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return match ? Number(match[1]) : null;
}
