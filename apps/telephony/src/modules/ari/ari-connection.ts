import WebSocket from 'ws';
import { parseAriMessage, type AriEvent } from './ari-event.schema';

export interface AriConnectionOptions {
  /** http://host:port/ari */
  baseUrl: string;
  username: string;
  password: string;
  app: string;
  /** First reconnect delay; doubles up to `maxBackoffMs`, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface AriConnectionListener {
  /** The socket is open and the app registered: resync from GET /channels and /bridges now. */
  onConnected(): Promise<void> | void;
  onEvent(event: AriEvent): void;
  /** Another socket registered the same app (another instance took over): do not reconnect. */
  onReplaced?(): void;
  onInvalidMessage?(reason: string): void;
  onDisconnected?(reason: string): void;
}

/** Start-up failure with Asterisk's answer (e.g. 401 on bad credentials): the operator must act. */
export class AriConnectError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'AriConnectError';
  }
}

/**
 * The one events WebSocket of the Stasis app (Asterisk allows one per app; a second replaces the
 * first). Reconnects with jittered exponential back-off after a drop; on every (re)connect the
 * listener resyncs from REST, because Asterisk replays nothing. Messages are parsed at the edge: a
 * malformed one is reported, never thrown.
 */
export class AriConnection {
  private socket: WebSocket | undefined;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private replaced = false;

  constructor(
    private readonly options: AriConnectionOptions,
    private readonly listener: AriConnectionListener,
  ) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Opens the socket; resolves once the first connection is up. A 401/403 (bad credentials) or 400
   * rejects with AriConnectError instead of retrying forever; a network error is retried.
   */
  start(): Promise<void> {
    this.stopped = false;
    this.replaced = false;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      this.open(settle);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000).unref();
    });
  }

  /** Drops the socket without a close handshake (a crashed process, as the far end sees it). */
  abort(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  private url(): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('app', this.options.app);
    url.searchParams.set('subscribeAll', 'false');
    return url.toString();
  }

  private open(settle: (error?: Error) => void): void {
    if (this.stopped) return;
    const auth = Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64');
    const socket = new WebSocket(this.url(), {
      headers: { Authorization: `Basic ${auth}` },
      handshakeTimeout: 5_000,
    });
    this.socket = socket;
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      socket.terminate();
      if (status === 401 || status === 403 || status === 400) {
        this.stopped = true;
        settle(
          new AriConnectError(
            `ARI refused the events WebSocket: HTTP ${status} (check ARI_USERNAME/ARI_PASSWORD/ARI_APP)`,
            status,
          ),
        );
      }
    });
    socket.on('open', () => {
      this.attempt = 0;
      void Promise.resolve()
        .then(() => this.listener.onConnected())
        .then(
          () => settle(),
          (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
        );
    });
    socket.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      const parsed = parseAriMessage(text);
      if (parsed.kind === 'invalid') {
        this.listener.onInvalidMessage?.(parsed.reason);
        return;
      }
      if (parsed.kind === 'ignored') return;
      if (parsed.event.type === 'ApplicationReplaced') {
        this.replaced = true;
        this.stopped = true;
        this.listener.onReplaced?.();
        socket.close();
        return;
      }
      try {
        this.listener.onEvent(parsed.event);
      } catch (error) {
        this.listener.onInvalidMessage?.(`handler failed on ${parsed.event.type}: ${String(error)}`);
      }
    });
    socket.on('error', () => {
      // 'close' follows; the reconnect is scheduled there.
    });
    socket.on('close', (code: number) => {
      if (this.socket === socket) this.socket = undefined;
      this.listener.onDisconnected?.(this.replaced ? 'replaced' : `closed (${code})`);
      if (this.stopped) return;
      this.scheduleReconnect(settle);
    });
  }

  private scheduleReconnect(settle: (error?: Error) => void): void {
    const min = this.options.minBackoffMs ?? 200;
    const max = this.options.maxBackoffMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.open(settle), delay);
    this.reconnectTimer.unref();
  }
}
