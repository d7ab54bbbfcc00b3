import { TenantContext } from '@cc/platform';
import { ValueTier } from '../src/modules/customers/customer.model';
import { ValueService } from '../src/modules/value/value.service';
import { assignTiers, type CustomerValue, type TierPolicy } from '../src/modules/value/value-tier.util';
import { type CrmTestApp, startCrmTestApp, uniqueTenants } from './crm-test-app';

/** A deterministic PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('value tiers in Postgres follow the rule of assignTiers', () => {
  let crm: CrmTestApp;
  const [tenant, other] = uniqueTenants(2) as [string, string];

  beforeAll(async () => {
    crm = await startCrmTestApp();
  });
  afterAll(async () => crm.close());

  async function setValues(tenantId: string, values: bigint[]): Promise<void> {
    await crm.ownerQuery(
      `INSERT INTO customer (id, tenant_id, display_name, search_name, search_name_reversed, lifetime_value_minor)
       SELECT $1 || '_' || i, $1, 'c', 'c', 'c', v FROM unnest($2::bigint[]) WITH ORDINALITY AS u(v, i)
       ON CONFLICT (id) DO UPDATE SET lifetime_value_minor = EXCLUDED.lifetime_value_minor`,
      [tenantId, values.map(String)],
    );
  }

  async function current(tenantId: string): Promise<CustomerValue[]> {
    const rows = await crm.ownerQuery<{ id: string; value: string; tier: number }>(
      `SELECT id, lifetime_value_minor::text AS value, value_tier AS tier FROM customer WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows.map((r) => ({ id: r.id, value: BigInt(r.value), tier: r.tier }));
  }

  const recompute = (tenantId: string) =>
    TenantContext.run({ tenantId }, () => crm.app.get(ValueService).recompute());

  it.each<[string, TierPolicy, number]>([
    ['default shares', { topShare: 0.2, highShare: 0.3, mediumShare: 0.3 }, 1],
    ['uneven shares', { topShare: 0.07, highShare: 0.13, mediumShare: 0.41 }, 2],
  ])('matches the pure rule on random values with ties and zeros (%s)', async (_name, policy, seed) => {
    const tenantId = `${tenant}${seed}`;
    await crm.ownerQuery(
      `INSERT INTO tenant_settings (tenant_id, top_share, high_share, medium_share) VALUES ($1, $2, $3, $4)`,
      [tenantId, policy.topShare, policy.highShare, policy.mediumShare],
    );
    const random = prng(seed);
    for (const round of [0, 1]) {
      const values = Array.from({ length: 237 }, () =>
        random() < 0.15 ? 0n : BigInt(Math.floor(random() * (round === 0 ? 40 : 400)) * 100),
      );
      await setValues(tenantId, values);
      const before = await current(tenantId);
      const expected = assignTiers(before, policy);
      await crm.ownerQuery('DELETE FROM outbox_event WHERE tenant_id = $1', [tenantId]);
      const result = await recompute(tenantId);
      expect(result.changed).toBe(expected.length);
      const after = new Map((await current(tenantId)).map((c) => [c.id, c.tier]));
      const expectedTiers = new Map(before.map((c) => [c.id, c.tier]));
      for (const change of expected) expectedTiers.set(change.id, change.to);
      expect(after).toEqual(expectedTiers);
      const outbox = await crm.ownerQuery<{
        envelope: { payload: { customerId: string; fromTier: number; toTier: number } };
      }>('SELECT envelope FROM outbox_event WHERE tenant_id = $1', [tenantId]);
      const published = outbox
        .map((o) => [o.envelope.payload.customerId, o.envelope.payload.fromTier, o.envelope.payload.toTier])
        .sort();
      expect(published).toEqual(expected.map((c) => [c.id, c.from, c.to]).sort());
    }
  });

  it('re-ranks one tenant only', async () => {
    await setValues(other, [5n, 0n, 10n]);
    await recompute(other);
    const before = await current(`${tenant}1`);
    await setValues(other, [50n, 70n, 10n]);
    await recompute(other);
    expect(await current(`${tenant}1`)).toEqual(before);
    expect((await current(other)).map((c) => c.tier).sort()).toEqual(
      [ValueTier.High, ValueTier.Medium, ValueTier.Top].sort(),
    );
  });
});
