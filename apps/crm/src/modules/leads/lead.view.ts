import type { LeadRecord } from './leads.service';

export function leadView(l: LeadRecord) {
  return {
    ...l,
    nextActionAt: l.nextActionAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
