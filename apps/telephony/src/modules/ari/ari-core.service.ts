import type { Logger } from '@nestjs/common';
import { AriConnection } from './ari-connection';
import type { AriEvent } from './ari-event.schema';
import type { AriChannel, AriHttpClient } from './ari-http.client';

export interface AriCoreHandlers {
  onEvent(event: AriEvent): void;
  /** Called with Asterisk's live channels after every (re)connect: nothing is replayed. */
  resync(channels: AriChannel[]): Promise<void>;
  onReplaced?(): void;
}

export interface AriCoreOptions {
  baseUrl: string;
  username: string;
  password: string;
  app: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The one ARI core of the service (wazo-calld's `ari_.py`): registers the Stasis app over the events
 * WebSocket, reconnects with back-off, resyncs from REST on every connect and fans events out.
 */
export class AriCore {
  private readonly connection: AriConnection;
  invalidMessages = 0;

  constructor(
    readonly http: AriHttpClient,
    options: AriCoreOptions,
    private readonly handlers: AriCoreHandlers,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>,
  ) {
    this.connection = new AriConnection(options, {
      onConnected: async () => {
        this.logger.log(`ARI app ${options.app} registered; resyncing`);
        const channels = await this.http.listChannels();
        await this.handlers.resync(channels);
      },
      onEvent: (event) => this.handlers.onEvent(event),
      onReplaced: () => {
        this.logger.warn(`ARI app ${options.app} was registered by another connection`);
        this.handlers.onReplaced?.();
      },
      onInvalidMessage: (reason) => {
        this.invalidMessages += 1;
        this.logger.warn(`ARI message dropped: ${reason}`);
      },
      onDisconnected: (reason) => this.logger.warn(`ARI events socket ${reason}`),
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  abort(): void {
    this.connection.abort();
  }
}
