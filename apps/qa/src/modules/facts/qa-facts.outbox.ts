import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { AgentScoreChanged, createEnvelope, type PayloadOf, subjectOf } from '@cc/contracts';
import type { QaTx } from '../../infrastructure/qa-database';

/**
 * Writes qa's facts into the outbox inside the caller's transaction: they exist exactly when the
 * change that caused them committed. The relay (OutboxRelay) publishes them to JetStream.
 */
@Injectable()
export class QaFactsOutbox {
  async agentScoreChanged(
    tx: QaTx,
    tenantId: string,
    payload: PayloadOf<typeof AgentScoreChanged>,
    occurredAt: Date,
  ): Promise<void> {
    const envelope = createEnvelope(AgentScoreChanged, tenantId, payload, { occurredAt });
    await tx.outboxEvent.create({
      data: {
        id: envelope.id,
        tenantId,
        subject: subjectOf(AgentScoreChanged, tenantId),
        envelope: envelope as unknown as Prisma.InputJsonValue,
      },
    });
  }
}
