import { Injectable } from '@nestjs/common';
import { createEnvelope, type PayloadOf, subjectOf } from '@cc/contracts';
import type { Prisma } from '../../generated/prisma/client';
import type { CrmTx } from '../../infrastructure/crm-database';
import { type ValueTier, VALUE_TIER_NAMES } from '../customers/customer.model';
import { CustomerTierChanged } from './crm.events';
import type { TierChange } from './value-tier.util';

type TierName = PayloadOf<typeof CustomerTierChanged>['to'];

const tierName = (tier: ValueTier): TierName => (VALUE_TIER_NAMES[tier] ?? 'unspecified') as TierName;

/** The fact of one tier change (pure). */
export function tierChangedPayload(
  change: TierChange,
  currency: string,
): PayloadOf<typeof CustomerTierChanged> {
  return {
    customerId: change.id,
    from: tierName(change.from),
    to: tierName(change.to),
    fromTier: change.from,
    toTier: change.to,
    lifetimeValueMinor: change.value.toString(),
    currency,
  };
}

/**
 * Writes crm's facts into the outbox inside the caller's transaction: they exist exactly when the
 * change that caused them committed. The relay (OutboxRelay) publishes them.
 */
@Injectable()
export class CrmFactsOutbox {
  async tierChanged(
    tx: CrmTx,
    tenantId: string,
    changes: readonly TierChange[],
    currency: string,
  ): Promise<void> {
    for (let i = 0; i < changes.length; i += 1_000) {
      const rows = changes.slice(i, i + 1_000).map((change) => {
        const envelope = createEnvelope(CustomerTierChanged, tenantId, tierChangedPayload(change, currency));
        return {
          id: envelope.id,
          tenantId,
          subject: subjectOf(CustomerTierChanged, tenantId),
          envelope: envelope as unknown as Prisma.InputJsonValue,
        };
      });
      await tx.outboxEvent.createMany({ data: rows });
    }
  }
}
