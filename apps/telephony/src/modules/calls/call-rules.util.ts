/** Our call id for a caller's channel: derived, so a successor finds the same call after a failover. */
export { callIdForChannel } from '@cc/contracts';

/**
 * The caller's value tier raises the IVR's priority (CommonV1.ValueTier: 0 unknown, 1 low .. 4 top):
 * +10 per tier above low, capped at 100. acd adds aging on top.
 */
export function priorityWithTier(basePriority: number, valueTier: number): number {
  const boost = valueTier >= 2 ? (valueTier - 1) * 10 : 0;
  return Math.min(100, Math.max(0, basePriority) + boost);
}
