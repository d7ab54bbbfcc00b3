import type { Pacer, PacingSnapshot } from './pacing.types';

/**
 * One dial per available agent, the agent reserved (through acd) for that dial: a live answer
 * always has its agent, so progressive dialing never abandons.
 */
export class ProgressivePacer implements Pacer {
  readonly mode = 'progressive' as const;

  dialsToPlace(snapshot: PacingSnapshot): number {
    return snapshot.agents.filter((a) => a.state === 'available').length;
  }
}

/**
 * Preview: the agent sees the record first and dials when ready. The pacer hands one record to each
 * available agent; the agent stays reserved while previewing and while the dial rings.
 */
export class PreviewPacer implements Pacer {
  readonly mode = 'preview' as const;

  dialsToPlace(snapshot: PacingSnapshot): number {
    return snapshot.agents.filter((a) => a.state === 'available').length;
  }
}
