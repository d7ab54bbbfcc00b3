import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { ManualClock, ScaledClock, type Clock } from '../domain/clock';
import type { Dialplan } from '../domain/dialplan';
import type { EventSink } from '../domain/event-bus';
import { AsteriskWorld } from '../domain/world';
import { apiDeclaration, resourceListing } from './api-docs';
import { buildAriRoutes } from './ari-routes';
import { AriRouter } from './ari-router';
import { isAuthorized, MISSING_APP_PAGE, UNAUTHORIZED_BODY, type Credentials } from './auth.util';
import type { AriResult } from './route.types';
import { clockControl, SimControl } from './sim-control';

export interface AriSimOptions {
  /** 0 picks a free port (tests). Default 8088. */
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  /** The Stasis app inbound calls go to unless they name one. Default `callcenter`. */
  app?: string;
  /** World speed-up: 30 makes a 3-minute call take 6 s. Ignored when `clock` is given. */
  timeScale?: number;
  /** Inject a ManualClock in tests to step time without sleeping. */
  clock?: Clock;
  dialplan?: Dialplan;
  soundDurationsMs?: Record<string, number>;
}

export interface AriSim {
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** http://host:port/ari */
  readonly ariUrl: string;
  readonly world: AsteriskWorld;
  readonly clock: Clock;
  readonly credentials: Credentials;
  stop(): Promise<void>;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, no-store' };
const UNAUTHORIZED_HEADERS = {
  ...JSON_HEADERS,
  'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: AriResult): void {
  if (result.raw) {
    res.writeHead(result.status, {
      'Content-Type': result.raw.contentType,
      'Content-Length': result.raw.data.length,
    });
    res.end(result.raw.data);
    return;
  }
  if (result.status === 204 || result.body === undefined) {
    res.writeHead(result.status, { 'Cache-Control': 'no-cache, no-store' });
    res.end();
    return;
  }
  const text = JSON.stringify(result.body);
  res.writeHead(result.status, { ...JSON_HEADERS, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function rejectUpgrade(
  socket: Socket,
  status: number,
  statusText: string,
  body: string,
  contentType: string,
): void {
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${extra}Connection: close\r\n\r\n${body}`,
  );
}

/** Starts the simulator: ARI under /ari, the world control API under /sim/v1, health under /health. */
export async function startAriSim(options: AriSimOptions = {}): Promise<AriSim> {
  const credentials: Credentials = {
    user: options.user ?? 'asterisk',
    password: options.password ?? 'asterisk',
  };
  const clock = options.clock ?? new ScaledClock(options.timeScale ?? 1);
  const world = new AsteriskWorld({
    clock,
    defaultApp: options.app ?? 'callcenter',
    ...(options.dialplan ? { dialplan: options.dialplan } : {}),
    ...(options.soundDurationsMs ? { soundDurationsMs: options.soundDurationsMs } : {}),
  });
  const routes = buildAriRoutes(world);
  const router = new AriRouter(routes);
  const control = new SimControl(world, clockControl(clock));

  const corkedSockets = new Set<() => void>();
  const flushEvents = (): void => {
    for (const uncork of [...corkedSockets]) uncork();
  };
  // Events a world timer produced go out before the next timer of the same batch runs.
  if (clock instanceof ScaledClock) clock.onTimerRan(flushEvents);
  const reply = (res: ServerResponse, result: AriResult): void => {
    flushEvents();
    send(res, result);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const rawBody = await readBody(req);
    if (url.pathname === '/health/live' || url.pathname === '/health/ready') {
      send(res, { status: 200, body: { status: 'ok' } });
      return;
    }
    if (url.pathname.startsWith('/sim/v1/') || url.pathname === '/sim/v1') {
      reply(res, control.handle(method, url.pathname, rawBody, url.searchParams));
      return;
    }
    if (!url.pathname.startsWith('/ari/') && url.pathname !== '/ari') {
      send(res, { status: 404, body: { message: 'Resource not found' } });
      return;
    }
    if (!isAuthorized(credentials, req.headers.authorization, url.searchParams)) {
      res.writeHead(401, { ...UNAUTHORIZED_HEADERS, 'Content-Length': Buffer.byteLength(UNAUTHORIZED_BODY) });
      res.end(UNAUTHORIZED_BODY);
      return;
    }
    const ariPath = url.pathname.slice('/ari'.length);
    const docs = /^\/api-docs\/([A-Za-z]+)\.json$/.exec(ariPath);
    if (docs && method === 'GET') {
      const host = req.headers.host ?? `127.0.0.1:${port}`;
      const basePath = `http://${host}/ari`;
      const name = docs[1] ?? '';
      const doc =
        name === 'resources' ? resourceListing(routes, basePath) : apiDeclaration(routes, name, basePath);
      send(res, doc ? { status: 200, body: doc } : { status: 404, body: { message: 'Resource not found' } });
      return;
    }
    reply(res, router.handle(method, ariPath, url.searchParams, rawBody));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the simulator must not take it down: answer 500 and keep serving.
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, { status: 500, body: { message: `Simulator error: ${message}` } });
      else res.end();
    });
  });
  server.keepAliveTimeout = 60_000;

  // Asterisk does not compress ARI events; compressing would also cost CPU and latency on every event.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') {
      rejectUpgrade(
        socket,
        404,
        'Not Found',
        JSON.stringify({ message: 'Resource not found' }),
        'application/json',
      );
      return;
    }
    if (!isAuthorized(credentials, req.headers.authorization, url.searchParams)) {
      rejectUpgrade(socket, 401, 'Unauthorized', UNAUTHORIZED_BODY, 'application/json');
      return;
    }
    const apps = (url.searchParams.get('app') ?? '').split(',').filter((a) => a.length > 0);
    if (apps.length === 0) {
      rejectUpgrade(socket, 400, 'Bad Request', MISSING_APP_PAGE, 'text/html');
      return;
    }
    const subscribeAll = url.searchParams.get('subscribeAll') === 'true';
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Events of one tick go out in one write: cork on the first, uncork before the HTTP answer that caused
      // them (so they precede it, as Asterisk's usually do) or at the end of the tick.
      let corked = false;
      const uncork = (): void => {
        if (!corked) return;
        corked = false;
        corkedSockets.delete(uncork);
        socket.uncork();
      };
      const sink: EventSink = {
        send(json: string): void {
          if (ws.readyState !== WebSocket.OPEN) return;
          if (!corked) {
            corked = true;
            socket.cork();
            corkedSockets.add(uncork);
            process.nextTick(uncork);
          }
          ws.send(json);
        },
      };
      for (const app of apps) world.bus.attach(app, sink, subscribeAll);
      ws.on('close', () => {
        for (const app of apps) world.bus.detach(app, sink);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8088, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    port,
    url,
    ariUrl: `${url}/ari`,
    world,
    clock,
    credentials,
    async stop(): Promise<void> {
      world.reset();
      if (clock instanceof ScaledClock) clock.clearAll();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { ManualClock, ScaledClock };
