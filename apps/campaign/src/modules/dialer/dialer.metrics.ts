import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cc/platform';
import { Counter, Gauge } from 'prom-client';

/** The dialer's Prometheus metrics (per campaign mode; tenants and campaigns stay out of the labels). */
@Injectable()
export class DialerMetrics {
  readonly dials: Counter<'mode'>;
  readonly refused: Counter<'reason'>;
  readonly liveAnswers: Counter<'result'>;
  readonly riskBudget: Gauge<'campaign'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.dials = new Counter({
      name: 'campaign_dials_total',
      help: 'Dials placed, by pacing mode',
      labelNames: ['mode'],
      registers,
    });
    this.refused = new Counter({
      name: 'campaign_dials_refused_total',
      help: 'Dials the gate refused (do_not_call, outside_hours, ...)',
      labelNames: ['reason'],
      registers,
    });
    this.liveAnswers = new Counter({
      name: 'campaign_live_answers_total',
      help: 'Live answers by result (connected, abandoned)',
      labelNames: ['result'],
      registers,
    });
    this.riskBudget = new Gauge({
      name: 'campaign_pacer_risk_budget',
      help: 'Predictive pacer: the abandonment risk a new dial may carry (0 = guarded, progressive only)',
      labelNames: ['campaign'],
      registers,
    });
  }
}
