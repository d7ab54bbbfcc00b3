export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

const OPEN: readonly LeadStatus[] = ['new', 'contacted', 'qualified', 'proposal'];

export function isOpen(status: LeadStatus): boolean {
  return OPEN.includes(status);
}

/**
 * The pipeline: an open lead moves forward (skipping steps is fine: a caller can qualify on the
 * first contact) or is lost at any point; won and lost are final, except that a lost lead may be
 * reopened as new. Moving backwards would rewrite the funnel statistics, so it is refused.
 */
export function canMove(from: LeadStatus, to: LeadStatus): boolean {
  if (from === to) return true;
  if (from === 'won') return false;
  if (from === 'lost') return to === 'new';
  if (to === 'lost' || to === 'won') return true;
  return OPEN.indexOf(to) > OPEN.indexOf(from);
}
