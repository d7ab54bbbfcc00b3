import { Pool } from 'undici';

/**
 * A thin typed client for the part of ARI's REST API we use, on undici's request API. Ids of channels,
 * bridges and playbacks are chosen by us and sent with the request, so the events they cause (which
 * Asterisk often sends before the HTTP response) always find their owner already registered.
 */
export interface AriHttpOptions {
  /** e.g. http://127.0.0.1:8088/ari */
  baseUrl: string;
  username: string;
  password: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Kept-alive connections to Asterisk (default 32). */
  connections?: number;
}

/** An error answer from Asterisk (or the transport), with the status and body as sent. */
/** A request of an instance that no longer holds the node's lease (never sent). */
export class AriFencedError extends Error {
  constructor(method: string, path: string) {
    super(`ARI ${method} ${path} refused: this instance no longer holds the node`);
    this.name = 'AriFencedError';
  }
}

export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    super(`ARI ${method} ${path} -> ${status} ${AriHttpError.describe(body)}`);
    this.name = 'AriHttpError';
  }

  private static describe(body: unknown): string {
    if (body && typeof body === 'object') {
      const o = body as { message?: unknown; error?: unknown };
      // Asterisk says `message` everywhere except `{"error":"Allocation failed"}` for a bad endpoint.
      const text =
        typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : undefined;
      if (text) return text;
    }
    return typeof body === 'string' ? body.slice(0, 200) : '';
  }
}

/**
 * The races of live calls: the channel hung up (404), left Stasis (409), was not in the bridge (422),
 * or the resource was not found (400 "Channel not found" on addChannel). Callers treat these as
 * "already gone", never as failures.
 */
export function isGoneError(error: unknown): boolean {
  if (!(error instanceof AriHttpError)) return false;
  if (error.status === 404 || error.status === 409 || error.status === 422) return true;
  return error.status === 400 && /not found/i.test(error.message);
}

/** Runs an operation on a channel/bridge that may have vanished; resolves false when it had. */
export async function ignoreGone(operation: Promise<unknown>): Promise<boolean> {
  try {
    await operation;
    return true;
  } catch (error) {
    if (isGoneError(error)) return false;
    throw error;
  }
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime?: string;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class?: string;
  name: string;
  channels: string[];
}

export interface OriginateParams {
  channelId: string;
  endpoint: string;
  app: string;
  appArgs: string[];
  callerId?: string;
  timeoutSeconds: number;
  variables?: Record<string, string>;
}

type Query = Record<string, string | number | boolean | undefined>;

export class AriHttpClient {
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly baseUrl: string;
  private readonly basePath: string;
  private readonly pool: Pool;

  constructor(options: AriHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    const base = new URL(this.baseUrl);
    this.basePath = base.pathname.replace(/\/+$/, '');
    // A bounded pool of kept-alive connections: undici's request API costs a fraction of fetch's
    // per call, and a burst of calls queues on the pool instead of opening hundreds of sockets.
    this.pool = new Pool(base.origin, {
      connections: options.connections ?? 32,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Set when this instance lost the node's lease: it must not touch the calls any more. */
  private fenced = false;

  /** Refuses every request from now on (the lease moved to another instance). */
  fence(): void {
    this.fenced = true;
  }

  async request<T = unknown>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    if (this.fenced) throw new AriFencedError(method, path);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) search.set(key, String(value));
    }
    const qs = search.toString();
    const headers: Record<string, string> = { Authorization: this.authorization };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let status: number;
    let contentType: string;
    let text: string;
    try {
      const response = await this.pool.request({
        method: method,
        path: `${this.basePath}${path}${qs ? `?${qs}` : ''}`,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.statusCode;
      const type = response.headers['content-type'];
      contentType = Array.isArray(type) ? type.join(',') : (type ?? '');
      text = await response.body.text();
    } catch (error) {
      // Status 0: Asterisk unreachable or too slow; callers retry or fail the operation.
      throw new AriHttpError(0, method, path, error instanceof Error ? error.message : String(error));
    }
    let parsed: unknown = text;
    if (text.length > 0 && contentType.includes('json')) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
    if (status < 200 || status >= 300) throw new AriHttpError(status, method, path, parsed);
    return (text.length === 0 ? undefined : parsed) as T;
  }

  /** Closes the kept-alive connections (the engine stopped). */
  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }

  listChannels(): Promise<AriChannel[]> {
    return this.request<AriChannel[]>('GET', '/channels');
  }

  listBridges(): Promise<AriBridge[]> {
    return this.request<AriBridge[]>('GET', '/bridges');
  }

  getChannel(id: string): Promise<AriChannel> {
    return this.request<AriChannel>('GET', `/channels/${encodeURIComponent(id)}`);
  }

  answer(channelId: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/answer`);
  }

  hangup(channelId: string, reason = 'normal'): Promise<void> {
    return this.request('DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason });
  }

  startMoh(channelId: string, mohClass = 'default'): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/moh`, { mohClass });
  }

  stopMoh(channelId: string): Promise<void> {
    return this.request('DELETE', `/channels/${encodeURIComponent(channelId)}/moh`);
  }

  hold(channelId: string, on: boolean): Promise<void> {
    return this.request(on ? 'POST' : 'DELETE', `/channels/${encodeURIComponent(channelId)}/hold`);
  }

  /** One playback of one or more media (a comma list is played in order as ONE playback). */
  play(channelId: string, playbackId: string, media: string[]): Promise<unknown> {
    return this.request(
      'POST',
      `/channels/${encodeURIComponent(channelId)}/play/${encodeURIComponent(playbackId)}`,
      {
        media: media.join(','),
      },
    );
  }

  playOnBridge(bridgeId: string, playbackId: string, media: string[]): Promise<unknown> {
    return this.request(
      'POST',
      `/bridges/${encodeURIComponent(bridgeId)}/play/${encodeURIComponent(playbackId)}`,
      {
        media: media.join(','),
      },
    );
  }

  stopPlayback(playbackId: string): Promise<void> {
    return this.request('DELETE', `/playbacks/${encodeURIComponent(playbackId)}`);
  }

  recordChannel(channelId: string, name: string, maxDurationSeconds: number): Promise<unknown> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/record`, {
      name,
      format: 'wav',
      maxDurationSeconds,
      ifExists: 'overwrite',
      beep: true,
      terminateOn: '#',
    });
  }

  originate(params: OriginateParams): Promise<AriChannel> {
    return this.request<AriChannel>(
      'POST',
      `/channels/${encodeURIComponent(params.channelId)}`,
      {
        endpoint: params.endpoint,
        app: params.app,
        appArgs: params.appArgs.join(','),
        callerId: params.callerId,
        timeout: params.timeoutSeconds,
      },
      params.variables ? { variables: params.variables } : undefined,
    );
  }

  createBridge(bridgeId: string, type: 'mixing' | 'holding', name: string): Promise<AriBridge> {
    return this.request<AriBridge>('POST', `/bridges/${encodeURIComponent(bridgeId)}`, { type, name });
  }

  addChannels(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, {
      channel: channelIds.join(','),
    });
  }

  removeChannel(bridgeId: string, channelId: string): Promise<void> {
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/removeChannel`, {
      channel: channelId,
    });
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.request('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
  }

  /**
   * Records a bridge. `name` is required here on purpose: Asterisk 22.10.1 segfaults on a bridge
   * recording without one.
   */
  recordBridge(bridgeId: string, name: string): Promise<unknown> {
    if (!name) throw new Error('a bridge recording needs a name (Asterisk 22.10.1 crashes without one)');
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/record`, {
      name,
      format: 'wav',
      ifExists: 'overwrite',
    });
  }

  snoop(
    channelId: string,
    snoopId: string,
    spy: 'in' | 'out' | 'both' | 'none',
    whisper: 'in' | 'out' | 'both' | 'none',
    app: string,
    appArgs: string,
  ): Promise<AriChannel> {
    return this.request<AriChannel>(
      'POST',
      `/channels/${encodeURIComponent(channelId)}/snoop/${encodeURIComponent(snoopId)}`,
      {
        spy,
        whisper,
        app,
        appArgs,
      },
    );
  }

  redirect(channelId: string, endpoint: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/redirect`, { endpoint });
  }

  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/variable`, { variable, value });
  }
}
