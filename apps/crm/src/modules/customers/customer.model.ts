import type { Address } from './customer.schema';
import type { CustomFieldValues } from './custom-field.util';

export interface CustomerPhone {
  e164: string;
  raw: string;
  extension: string | null;
  kind: string;
}

/** callcenter.common.v1.ValueTier numbers: 0 = not computed. */
export enum ValueTier {
  Unspecified = 0,
  Low = 1,
  Medium = 2,
  High = 3,
  Top = 4,
}

export const VALUE_TIER_NAMES: Readonly<Record<ValueTier, string | null>> = {
  [ValueTier.Unspecified]: null,
  [ValueTier.Low]: 'low',
  [ValueTier.Medium]: 'medium',
  [ValueTier.High]: 'high',
  [ValueTier.Top]: 'top',
};

/** A customer as the service layer sees it (transport-neutral). */
export interface CustomerRecord {
  id: string;
  tenantId: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  language: string | null;
  timeZone: string | null;
  emails: string[];
  addresses: Address[];
  phoneNumbers: CustomerPhone[];
  externalRef: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  consent: { recording: boolean; marketing: boolean };
  lifetimeValueMinor: bigint;
  currency: string;
  valueTier: ValueTier;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Lower-case, accent-free, single-spaced: what name search compares. */
export function searchKey(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The forms a name is found by: "first last" and "last first". */
export function searchNames(
  firstName: string | null,
  lastName: string | null,
  displayName: string,
): {
  searchName: string;
  searchNameReversed: string;
} {
  const first = firstName ?? '';
  const last = lastName ?? '';
  if (!first && !last) {
    const key = searchKey(displayName);
    return { searchName: key, searchNameReversed: key };
  }
  return { searchName: searchKey(`${first} ${last}`), searchNameReversed: searchKey(`${last} ${first}`) };
}

/** What the customer is called when no display name is given. */
export function defaultDisplayName(input: {
  firstName?: string | null;
  lastName?: string | null;
  phones?: readonly { e164: string }[];
  emails?: readonly string[];
}): string {
  const name = [input.firstName, input.lastName].filter((p) => p).join(' ');
  return name || input.phones?.[0]?.e164 || input.emails?.[0] || 'Unknown';
}

/** Escapes `%`, `_` and `\` for a LIKE prefix pattern. */
export function likePrefix(value: string): string {
  return `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
