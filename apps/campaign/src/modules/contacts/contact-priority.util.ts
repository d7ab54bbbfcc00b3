/** What the dial order may look at. */
export interface PrioritizedContact {
  readonly id: string;
  /** 0-100 from crm's lead scoring; missing = 0. */
  readonly leadScore?: number | null;
  /** crm's value tier (0 LOW ... 3 TOP). */
  readonly valueTier?: number | null;
  /** A due date (renewal, payment); earlier first. */
  readonly dueAt?: Date | null;
  /** When the contact may be dialed next (retries, callbacks). */
  readonly nextAttemptAt?: Date | null;
  readonly attempts: number;
}

export type PriorityKey = 'lead_score' | 'value_tier' | 'due_date';

/**
 * The campaign's priority order as a comparator: its keys in the order the tenant chose, then
 * callbacks and retries that are due longest, fewer attempts first, and the id for a stable order.
 */
export function contactOrder(
  keys: readonly PriorityKey[],
): (a: PrioritizedContact, b: PrioritizedContact) => number {
  return (a, b) => {
    for (const key of keys) {
      const d = compareKey(key, a, b);
      if (d !== 0) return d;
    }
    const due = (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0);
    if (due !== 0) return due;
    if (a.attempts !== b.attempts) return a.attempts - b.attempts;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

function compareKey(key: PriorityKey, a: PrioritizedContact, b: PrioritizedContact): number {
  switch (key) {
    case 'lead_score':
      return (b.leadScore ?? 0) - (a.leadScore ?? 0);
    case 'value_tier':
      return (b.valueTier ?? 0) - (a.valueTier ?? 0);
    case 'due_date':
      return (
        (a.dueAt?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.dueAt?.getTime() ?? Number.MAX_SAFE_INTEGER)
      );
  }
}
