import type { Campaign } from '../../generated/prisma/client';

export function campaignView(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    mode: c.mode,
    state: c.state,
    queueId: c.queueId,
    callerId: c.callerId,
    trunkId: c.trunkId,
    ringTimeoutSeconds: c.ringTimeoutSeconds,
    maxAttempts: c.maxAttempts,
    abandonLimit: c.abandonLimit,
    retryRules: c.retryRules,
    restrictions: c.restrictions,
    priorityKeys: c.priorityKeys,
    cadence: c.cadence,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
