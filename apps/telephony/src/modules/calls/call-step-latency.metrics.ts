import { Histogram, type Registry } from 'prom-client';
import type { CallTimingPoint } from './calls.service';

/** The engine's own added latencies, each between two milestones of one call. */
const STEPS = [
  { step: 'enqueue', from: 'stasis_start', to: 'enqueued' },
  { step: 'ringing', from: 'assigned', to: 'agent_ringing' },
  { step: 'bridged', from: 'agent_answered', to: 'bridged' },
] as const satisfies readonly { step: string; from: CallTimingPoint; to: CallTimingPoint }[];

/** Calls whose milestones are kept at most; older ones are dropped (a call that never bridges). */
const MAX_TRACKED_CALLS = 20_000;

/**
 * `cc_telephony_call_step_seconds{step}`: StasisStart -> acd enqueue answered, assignment -> agent
 * ringing, agent answer -> both bridged. The end-to-end benchmark and dashboards read them; a busy
 * node shows its queueing here before callers notice.
 */
export class CallStepLatencyMetrics {
  private readonly histogram: Histogram<'step'>;
  private readonly marks = new Map<string, Partial<Record<CallTimingPoint, number>>>();

  constructor(
    registry: Registry,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.histogram = new Histogram({
      name: 'cc_telephony_call_step_seconds',
      help: 'Latency the telephony engine adds per call step (enqueue, ringing, bridged)',
      labelNames: ['step'],
      buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
  }

  /** The engine's `timings` hook. */
  readonly record = (callId: string, point: CallTimingPoint): void => {
    const at = this.now();
    let marks = this.marks.get(callId);
    if (!marks) {
      if (this.marks.size >= MAX_TRACKED_CALLS) {
        const oldest = this.marks.keys().next().value;
        if (oldest !== undefined) this.marks.delete(oldest);
      }
      marks = {};
      this.marks.set(callId, marks);
    }
    marks[point] = at;
    for (const { step, from, to } of STEPS) {
      const start = marks[from];
      if (point === to && start !== undefined) this.histogram.observe({ step }, (at - start) / 1000);
    }
    if (point === 'bridged') this.marks.delete(callId);
  };
}
