import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Flips readiness to down as soon as shutdown starts, so load balancers stop sending traffic first. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  draining = false;

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}
