export type CampaignState = 'draft' | 'running' | 'paused' | 'stopped';
export type CampaignCommand = 'start' | 'pause' | 'resume' | 'stop';

const TRANSITIONS: Record<CampaignCommand, { from: readonly CampaignState[]; to: CampaignState }> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  // Stopped is final: a stopped campaign is history (its ledger stays).
  stop: { from: ['draft', 'running', 'paused'], to: 'stopped' },
};

/** The state after `command`, or undefined when the command does not apply in `state`. */
export function transition(state: CampaignState, command: CampaignCommand): CampaignState | undefined {
  const t = TRANSITIONS[command];
  return t.from.includes(state) ? t.to : undefined;
}
