import type { Logger } from '@nestjs/common';
import type { AcdV1 } from '@cc/contracts';
import type { AcdPort } from './acd.port';

export interface AssignmentHandler {
  onAssignment(assignment: AcdV1.Assignment): Promise<void>;
  onAssignmentRevoked(revoked: AcdV1.AssignmentRevoked): Promise<void>;
}

/**
 * Keeps the node's WatchAssignments stream open: re-opens it when its deadline ends it, and after an
 * error with back-off. Each assignment is handled on its own (a slow originate never holds up the next).
 */
export class AssignmentsWatcher {
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly acd: AcdPort,
    private readonly nodeId: string,
    private readonly handler: AssignmentHandler,
    private readonly logger: Pick<Logger, 'warn' | 'error'>,
  ) {}

  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.run(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        for await (const message of this.acd.watchAssignments(this.nodeId, signal)) {
          failures = 0;
          if (message.assignment) {
            void this.handler
              .onAssignment(message.assignment)
              .catch((e: unknown) => this.logger.error(`assignment: ${String(e)}`));
          } else if (message.revoked) {
            void this.handler
              .onAssignmentRevoked(message.revoked)
              .catch((e: unknown) => this.logger.error(`revoked: ${String(e)}`));
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        if (failures === 1 || failures % 10 === 0) {
          this.logger.warn(
            `WatchAssignments failed (${failures}x): ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))).unref(),
        );
      }
    }
  }
}
