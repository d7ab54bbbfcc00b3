import { Injectable, Logger, Optional } from '@nestjs/common';
import type { EventDefinition, PayloadOf } from '@cc/contracts';
import { EventPublisher } from '@cc/platform';

/**
 * Publishes campaign facts after the transaction that caused them committed. Without NATS (API-only
 * runs) it publishes nothing. A failed publish is logged, not retried: the ledger and the attempts
 * in Postgres are the record; the facts inform others (an outbox like crm's is the next step).
 */
@Injectable()
export class CampaignFacts {
  private readonly logger = new Logger('CampaignFacts');

  constructor(@Optional() private readonly publisher?: EventPublisher) {}

  async publish<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    id?: string,
  ): Promise<void> {
    if (!this.publisher) return;
    try {
      await this.publisher.publish(definition, tenantId, payload, id ? { id } : {});
    } catch (error) {
      this.logger.warn(
        `publishing ${definition.domain}.${definition.entity}.${definition.verb} failed: ${(error as Error).message}`,
      );
    }
  }
}
