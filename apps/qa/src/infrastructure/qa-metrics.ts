import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cc/platform';
import { Counter } from 'prom-client';
import type { CheckResult } from '../modules/auto-checks/auto-check.model';
import type { SamplingReason } from '../modules/sampling/sampling.util';

/** qa's own Prometheus series, on the service's registry; counted after the work committed. */
@Injectable()
export class QaMetrics {
  private readonly checks: Counter<'check' | 'outcome'>;
  private readonly workItems: Counter<'reason'>;
  private readonly evaluations: Counter<'step'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.checks = new Counter({
      name: 'qa_auto_check_results_total',
      help: 'Automatic check results of ended calls, by check and outcome',
      labelNames: ['check', 'outcome'],
      registers,
    });
    this.workItems = new Counter({
      name: 'qa_work_item_reasons_total',
      help: 'Reasons of sampled calls sent to analysts (a call may have several)',
      labelNames: ['reason'],
      registers,
    });
    this.evaluations = new Counter({
      name: 'qa_evaluation_steps_total',
      help: 'Evaluation lifecycle steps taken (submit, acknowledge, dispute, resolve)',
      labelNames: ['step'],
      registers,
    });
  }

  scored(checks: readonly CheckResult[], sampledFor: readonly SamplingReason[]): void {
    for (const c of checks) this.checks.inc({ check: c.check, outcome: c.outcome });
    for (const reason of sampledFor) this.workItems.inc({ reason });
  }

  step(step: string): void {
    this.evaluations.inc({ step });
  }
}
