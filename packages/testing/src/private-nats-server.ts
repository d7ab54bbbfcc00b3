import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/** Debian's nats-server; override with NATS_SERVER_BIN. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A nats-server of one suite's own, for tests that stop and restart the broker: the shared one must
 * keep running for every other suite. Restarts on the same port and store, as a real outage would.
 */
export class PrivateNatsServer {
  private process: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'cc-nats-'));

  private constructor(
    readonly port: number,
    private readonly jetstream: boolean,
  ) {}

  static async start(options: { jetstream?: boolean } = {}): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), options.jetstream ?? true);
    await server.start();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const js = this.jetstream ? ['-js', '-sd', this.storeDir] : [];
    this.process = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), ...js], {
      stdio: 'ignore',
    });
    await waitFor('the private nats-server to listen', async () =>
      (await portAnswers(this.port)) ? true : undefined,
    );
  }

  /** Kills the server at once (an outage, not a shutdown). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
