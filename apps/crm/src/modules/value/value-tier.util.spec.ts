import { ValueTier } from '../customers/customer.model';
import { assignTiers, type CustomerValue } from './value-tier.util';

function customers(values: number[], tier = ValueTier.Unspecified): CustomerValue[] {
  return values.map((v, i) => ({ id: `c${i}`, value: BigInt(v), tier }));
}

function tiers(values: number[]): Record<string, ValueTier> {
  return Object.fromEntries(assignTiers(customers(values)).map((c) => [c.id, c.to]));
}

describe('assignTiers', () => {
  it('puts the top 20% in TOP, the next 30% HIGH, the next 30% MEDIUM, the rest LOW', () => {
    const result = tiers([100, 90, 80, 70, 60, 50, 40, 30, 20, 10]);
    expect(result).toEqual({
      c0: ValueTier.Top,
      c1: ValueTier.Top,
      c2: ValueTier.High,
      c3: ValueTier.High,
      c4: ValueTier.High,
      c5: ValueTier.Medium,
      c6: ValueTier.Medium,
      c7: ValueTier.Medium,
      c8: ValueTier.Low,
      c9: ValueTier.Low,
    });
  });

  it('gives equal values the same tier, and no value is always LOW', () => {
    const result = tiers([50, 50, 50, 10, 0, 0, 0, 0, 0, 0]);
    expect([result.c0, result.c1, result.c2]).toEqual([ValueTier.Top, ValueTier.Top, ValueTier.Top]);
    expect(result.c3).toBe(ValueTier.High);
    expect(result.c4).toBe(ValueTier.Low);
  });

  it('reports only customers whose tier changes, with where they came from', () => {
    // 5 customers: 1 TOP (ceil 20%), 2 HIGH (up to ceil 50%), 1 MEDIUM (up to 80%), 1 LOW.
    const current: CustomerValue[] = [
      { id: 'a', value: 500n, tier: ValueTier.Top },
      { id: 'b', value: 400n, tier: ValueTier.High },
      { id: 'c', value: 900n, tier: ValueTier.Low },
      { id: 'd', value: 100n, tier: ValueTier.Medium },
      { id: 'e', value: 1n, tier: ValueTier.Low },
    ];
    expect(assignTiers(current)).toEqual([
      { id: 'c', from: ValueTier.Low, to: ValueTier.Top, value: 900n },
      { id: 'a', from: ValueTier.Top, to: ValueTier.High, value: 500n },
    ]);
    expect(assignTiers([])).toEqual([]);
  });
});
