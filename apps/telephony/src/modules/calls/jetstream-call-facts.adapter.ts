import { createEnvelope, subjectOf, type EventDefinition, type PayloadOf } from '@cc/contracts';
import { publishEnvelope } from '@cc/platform';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { CallFactsPort } from './call-facts.port';

/** Call facts to JetStream (telephony stream), the fact id as the message id (de-duplication). */
export class JetStreamCallFacts implements CallFactsPort {
  constructor(private readonly jetstream: () => JetStreamClient) {}

  async publish<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    id: string,
  ): Promise<void> {
    const envelope = createEnvelope(definition, tenantId, payload, { id });
    await publishEnvelope(this.jetstream(), subjectOf(definition, tenantId), envelope);
  }
}
