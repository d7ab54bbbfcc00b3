/* eslint-disable @typescript-eslint/no-explicit-any -- tests read ARI's JSON loosely, as a client would */
import WebSocket from 'ws';

export interface AriEvent {
  type: string;
  [key: string]: any;
}

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** A minimal ARI client on fetch + ws for tests: REST calls and an event log with waiting helpers. */
export class TestAri {
  constructor(
    readonly baseUrl: string,
    private readonly auth = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64'),
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    auth: string | null = this.auth,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (auth) headers['Authorization'] = auth;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await res.text();
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string): Promise<HttpAnswer> => this.request('GET', path);
  post = (path: string, body?: unknown): Promise<HttpAnswer> => this.request('POST', path, body);
  del = (path: string): Promise<HttpAnswer> => this.request('DELETE', path);
  put = (path: string, body?: unknown): Promise<HttpAnswer> => this.request('PUT', path, body);
}

export class EventLog {
  readonly events: AriEvent[] = [];
  private waiters: { pred: (e: AriEvent) => boolean; resolve: (e: AriEvent) => void; from: number }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const event = JSON.parse((data as Buffer).toString('utf8')) as AriEvent;
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (w.pred(event)) {
          w.resolve(event);
          return false;
        }
        return true;
      });
    });
  }

  static open(wsUrl: string): Promise<EventLog> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      const log = new EventLog(ws);
      ws.once('open', () => resolve(log));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  /** Resolves with the first event (already received or future) matching `pred`. */
  waitFor(pred: (e: AriEvent) => boolean, timeoutMs = 3000): Promise<AriEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`event not received; got: ${this.types().join(',')}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        from: this.events.length,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  waitType(type: string, extra: (e: AriEvent) => boolean = () => true): Promise<AriEvent> {
    return this.waitFor((e) => e.type === type && extra(e));
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** Waits until the socket has delivered everything already sent (a ping round trip). */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('pong', () => resolve());
      this.ws.ping();
    });
  }

  /** Forgets what was received so far, after letting in-flight events arrive. */
  async clear(): Promise<void> {
    await this.flush();
    this.events.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
