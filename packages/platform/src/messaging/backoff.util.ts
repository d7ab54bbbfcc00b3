/**
 * Delay before redelivering a message that failed on its `deliveryCount`-th delivery (1-based):
 * the consumer's back-off steps in order, the last one repeated; without steps, exponential from
 * 1 s capped at 60 s. A handler's own `retryAfterSeconds` wins when it asks for longer.
 */
export function redeliveryDelayMs(
  deliveryCount: number,
  backoffMs: readonly number[] | undefined,
  retryAfterSeconds?: number,
): number {
  const attempt = Math.max(1, Math.floor(deliveryCount));
  let delay: number;
  if (backoffMs && backoffMs.length > 0) {
    delay = backoffMs[Math.min(attempt - 1, backoffMs.length - 1)] ?? 0;
  } else {
    delay = Math.min(60_000, 1_000 * 2 ** Math.min(attempt - 1, 16));
  }
  if (retryAfterSeconds !== undefined && retryAfterSeconds * 1000 > delay) delay = retryAfterSeconds * 1000;
  return delay;
}
