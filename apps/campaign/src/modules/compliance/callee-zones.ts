import { IANAZone } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { timezones } from 'libphonenumber-geo-carrier';

/**
 * The zones a callee may be in: the customer's own zone when crm knows it, else every zone the
 * number's prefix spans (libphonenumber's prefix-to-zone data: one zone for a US area code, all of
 * North America for a toll-free +1 800). Unknown or invalid: an empty list, and the call is not
 * placed (checkCallingWindow refuses `unknown_zone`).
 */
export async function resolveCalleeZones(e164: string, customerZone?: string | null): Promise<string[]> {
  if (customerZone && IANAZone.isValidZone(customerZone)) return [customerZone];
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [];
  const zones = (await timezones(parsed)) ?? [];
  return zones.filter((z) => IANAZone.isValidZone(z));
}
