import { AriError } from '../domain/ari-error';
import type { AriRequest, AriResult, HttpMethod, Route } from './route.types';

interface CompiledRoute {
  route: Route;
  segments: string[];
  literalCount: number;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; path: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** Matches `/channels/{channelId}/play` style paths; literal segments win over parameters. */
export class AriRouter {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: Route[]) {
    this.compiled = routes.map((route) => {
      const segments = route.path.split('/').filter((s) => s.length > 0);
      return { route, segments, literalCount: segments.filter((s) => !s.startsWith('{')).length };
    });
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = pathname.split('/').filter((s) => s.length > 0);
    let pathMatched = false;
    let best: { c: CompiledRoute; params: Record<string, string> } | undefined;
    for (const c of this.compiled) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = c.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (seg.startsWith('{')) {
          try {
            params[seg.slice(1, -1)] = decodeURIComponent(part);
          } catch {
            params[seg.slice(1, -1)] = part;
          }
        } else if (seg !== part) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (c.route.method !== (method as HttpMethod)) continue;
      if (!best || c.literalCount > best.c.literalCount) best = { c, params };
    }
    if (best) return { kind: 'found', route: best.c.route, path: best.params };
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }

  /** Runs a request through the table; Asterisk's error bodies for unknown resources and methods. */
  handle(method: string, pathname: string, search: URLSearchParams, rawBody: string): AriResult {
    const found = this.match(method, pathname);
    if (found.kind === 'not-found') return { status: 404, body: { message: 'Resource not found' } };
    if (found.kind === 'method-not-allowed') return { status: 405, body: { message: 'Invalid method' } };
    let body: unknown;
    if (rawBody.trim().length > 0) {
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        return { status: 400, body: { message: 'Error parsing request body' } };
      }
    }
    const bodyScalars = new Map<string, string>();
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          bodyScalars.set(k, String(v));
      }
    }
    const request: AriRequest = {
      path: found.path,
      body,
      param(name: string): string | undefined {
        // Repeated query parameters: the last one wins (media=digits:1&media=digits:2 played only digits:2).
        const all = search.getAll(name);
        if (all.length > 0) return all[all.length - 1];
        return bodyScalars.get(name);
      },
    };
    try {
      return found.route.handler(request);
    } catch (err) {
      if (err instanceof AriError) return { status: err.status, body: err.body };
      throw err;
    }
  }
}
