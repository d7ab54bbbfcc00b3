import type { EventDefinition, PayloadOf } from '@cc/contracts';

export const CALL_FACTS = Symbol('CALL_FACTS');

/**
 * Publishes call facts. `id` is deterministic per fact (e.g. `<callId>:ended`), so a fact re-published
 * by a successor after a failover is dropped by JetStream's duplicate window instead of counted twice.
 */
export interface CallFactsPort {
  publish<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    id: string,
  ): Promise<void>;
}
