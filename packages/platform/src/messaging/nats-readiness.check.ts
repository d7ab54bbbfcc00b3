import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '../health/readiness-check';
import { NatsConnectionService } from './nats-connection.service';
import { natsHealth } from './nats-health.indicator';

/** Readiness of the NATS connection and JetStream, for the platform's /health/ready. */
@Injectable()
export class NatsReadinessCheck implements ReadinessCheck {
  readonly name = 'nats';

  constructor(private readonly nats: NatsConnectionService) {}

  async check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    const health = await natsHealth(this.nats, 1_000);
    const { status, ...details } = health;
    return { up: status === 'up', details };
  }
}
