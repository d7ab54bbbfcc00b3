import { ValueTier } from '../customers/customer.model';

/** Shares of a tenant's customers per tier, from the top; the rest are LOW. */
export interface TierPolicy {
  topShare: number;
  highShare: number;
  mediumShare: number;
}

export const DEFAULT_TIER_POLICY: TierPolicy = { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 };

export interface CustomerValue {
  id: string;
  value: bigint;
  tier: ValueTier;
}

export interface TierChange {
  id: string;
  from: ValueTier;
  to: ValueTier;
  value: bigint;
}

/**
 * Ranks a tenant's customers by lifetime value and gives each a tier: the top `topShare` of
 * customers are TOP, the next `highShare` HIGH, the next `mediumShare` MEDIUM, the rest LOW (20% of
 * customers bring 80% of revenue: acd raises their priority). A customer's rank is the number of
 * customers worth strictly more, so equal values always share a tier, and a customer with no value
 * is LOW whatever the shares say. Returns only the customers whose tier changes.
 */
export function assignTiers(
  customers: readonly CustomerValue[],
  policy: TierPolicy = DEFAULT_TIER_POLICY,
): TierChange[] {
  const total = customers.length;
  if (total === 0) return [];
  const sorted = [...customers].sort((a, b) => (a.value === b.value ? 0 : a.value > b.value ? -1 : 1));
  const topEnd = Math.ceil(total * policy.topShare);
  const highEnd = Math.ceil(total * (policy.topShare + policy.highShare));
  const mediumEnd = Math.ceil(total * (policy.topShare + policy.highShare + policy.mediumShare));
  const changes: TierChange[] = [];
  let rank = 0;
  for (let i = 0; i < sorted.length; i++) {
    const customer = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.value !== customer.value) rank = i;
    const tier =
      customer.value <= 0n
        ? ValueTier.Low
        : rank < topEnd
          ? ValueTier.Top
          : rank < highEnd
            ? ValueTier.High
            : rank < mediumEnd
              ? ValueTier.Medium
              : ValueTier.Low;
    if (tier !== customer.tier)
      changes.push({ id: customer.id, from: customer.tier, to: tier, value: customer.value });
  }
  return changes;
}

export function validTierPolicy(policy: TierPolicy): boolean {
  const shares = [policy.topShare, policy.highShare, policy.mediumShare];
  return shares.every((s) => s >= 0 && s <= 1) && shares.reduce((a, b) => a + b, 0) <= 1 + 1e-9;
}
