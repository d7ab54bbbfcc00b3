import type { Logger } from '@nestjs/common';
import type { NodeLease } from './node-lease';

/** What the supervisor runs while it holds the node: one engine per term. */
export interface NodeEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  abort(): Promise<void>;
}

export type NodeRole = 'standby' | 'active' | 'stopped';

/**
 * Active/standby for one Asterisk node. Every `renewMs` it takes or renews the lease: the holder
 * runs an engine (one WebSocket for the Stasis app, the acd assignment stream); an instance that
 * loses the lease, or cannot renew it in time, fences its engine at once (no more ARI requests, the
 * socket dropped) so a successor never shares the node with it.
 */
export class NodeSupervisor<E extends NodeEngine> {
  private timer: NodeJS.Timeout | undefined;
  private engine: E | undefined;
  private running: Promise<void> = Promise.resolve();
  private state: NodeRole = 'stopped';

  constructor(
    private readonly lease: NodeLease,
    private readonly newEngine: (term: number) => E,
    private readonly renewMs: number,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>,
  ) {}

  get role(): NodeRole {
    return this.state;
  }

  get current(): E | undefined {
    return this.engine;
  }

  /** Takes the node if nobody holds it (resolves once the engine runs), else stays standby. */
  async start(): Promise<void> {
    this.state = 'standby';
    await this.step();
    this.schedule();
  }

  /** Graceful: stops the engine (calls stay in Stasis) and releases the lease for the standby. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.running;
    const engine = this.engine;
    this.engine = undefined;
    await engine?.stop();
    await this.lease.release().catch(() => undefined);
  }

  /** As a crash: no release, the engine dropped as it is (tests of the takeover). */
  async kill(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    const engine = this.engine;
    this.engine = undefined;
    await engine?.abort();
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private schedule(): void {
    if (this.state === 'stopped') return;
    this.timer = setTimeout(() => {
      this.running = this.step()
        .catch((error: unknown) =>
          // Logged by step(); the next step tries again (e.g. Asterisk was briefly unreachable).
          this.logger.warn(`node step failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.schedule());
    }, this.renewMs);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.state === 'stopped') return;
    let held: boolean;
    try {
      held = await this.lease.tryAcquire();
    } catch (error) {
      // KV unreachable: keep acting only while the lease we hold is still valid.
      held = this.lease.held();
      this.logger.warn(`lease not renewed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // stop() or kill() may have run while the KV answered.
    if (this.isStopped()) return;
    if (held && !this.engine) {
      this.logger.log(`took the node (term ${this.lease.term})`);
      const engine = this.newEngine(this.lease.term);
      this.engine = engine;
      this.state = 'active';
      try {
        await engine.start();
      } catch (error) {
        this.logger.error(
          `engine failed to start: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.engine = undefined;
        this.state = 'standby';
        await engine.abort();
        await this.lease.release().catch(() => undefined);
        throw error;
      }
    } else if (!held && this.engine) {
      this.logger.warn(`lost the node to ${this.lease.currentHolder ?? 'nobody'}: fencing the engine`);
      const engine = this.engine;
      this.engine = undefined;
      this.state = 'standby';
      await engine.abort();
    }
  }
}
