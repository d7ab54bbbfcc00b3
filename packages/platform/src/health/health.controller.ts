import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessCheck, runCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** Liveness: the process answers. Dependencies are NOT checked here: a NATS outage must not restart pods. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.indicators.check('process').up({ pid: process.pid })]);
  }

  /** Readiness: every dependency answers, and we are not draining for shutdown. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.checkReadiness();
    } catch (error) {
      // Terminus reports "not ready" as an exception carrying the full report; probes and people
      // want that report as the 503 body, not a generic problem.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  private checkReadiness() {
    return this.health.check([
      () => {
        const session = this.indicators.check('shutdown');
        return this.shutdown.draining ? session.down({ message: 'draining' }) : session.up();
      },
      ...this.checks.map((c) => async () => {
        const session = this.indicators.check(c.name);
        const result = await runCheck(c, 2_000);
        return result.up ? session.up(result.details ?? {}) : session.down(result.details ?? {});
      }),
    ]);
  }
}
