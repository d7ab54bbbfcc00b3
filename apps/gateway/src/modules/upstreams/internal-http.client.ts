import { Readable } from 'node:stream';
import { AppError, ErrorKind } from '@cc/platform';
import { fromUpstream, upstreamUnavailable, type UpstreamName } from './upstream-error.util';

export interface InternalRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** The tenant the call acts for; sent as `x-tenant-id`, taken only from the credential. */
  tenantId: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** A raw body to stream through (CSV), instead of `body`. */
  stream?: { body: Readable; contentType: string };
}

export interface InternalResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: ErrorKind.InvalidArgument,
  404: ErrorKind.NotFound,
  409: ErrorKind.Conflict,
  412: ErrorKind.FailedPrecondition,
  413: ErrorKind.InvalidArgument,
  415: ErrorKind.InvalidArgument,
  422: ErrorKind.InvalidArgument,
  429: ErrorKind.RateLimited,
  401: ErrorKind.Unauthenticated,
  403: ErrorKind.PermissionDenied,
  503: ErrorKind.Unavailable,
  504: ErrorKind.DeadlineExceeded,
};

interface UpstreamProblem {
  detail?: unknown;
  code?: unknown;
  errors?: unknown;
}

/** An upstream's problem+json answer, as the AppError it was (field violations kept). */
export function problemToError(status: number, problem: UpstreamProblem): AppError {
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? ErrorKind.Internal : ErrorKind.InvalidArgument);
  const violations = Array.isArray(problem.errors)
    ? (problem.errors as unknown[]).flatMap((e) => {
        const v = e as { field?: unknown; rule?: unknown; message?: unknown };
        return typeof v.field === 'string' && typeof v.message === 'string'
          ? [{ field: v.field, rule: typeof v.rule === 'string' ? v.rule : 'invalid', message: v.message }]
          : [];
      })
    : [];
  return new AppError(
    kind,
    typeof problem.detail === 'string' ? problem.detail : `upstream answered ${status}`,
    {
      ...(typeof problem.code === 'string' ? { code: problem.code } : {}),
      violations,
    },
  );
}

/**
 * The internal REST hop to a service's tenant API (crm, telephony: `x-tenant-id`, cluster-internal,
 * docs/adr/0014-gateway-fronts-services.md). Every call has the gateway's deadline; a service that is
 * down or slow is a 503, its refusals are passed on as the same problem.
 */
export class InternalHttpClient {
  constructor(
    private readonly service: UpstreamName,
    private readonly baseUrl: string | undefined,
    private readonly deadlineMs: number,
  ) {}

  async json<T>(request: InternalRequest): Promise<InternalResponse<T>> {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), request.stream ? this.deadlineMs * 20 : this.deadlineMs);
    try {
      const response = await this.send(request, timer.signal);
      const text = await this.read(response);
      const body = (text.length > 0 ? JSON.parse(text) : undefined) as T;
      return { status: response.status, headers: response.headers, body };
    } finally {
      clearTimeout(timeout);
    }
  }

  /**
   * The raw response, for a download to pipe through (its status is 2xx): the deadline bounds the
   * wait for the answer's head, not the download; `signal` (the client going away) ends it.
   */
  async raw(request: InternalRequest, signal?: AbortSignal): Promise<Response> {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), this.deadlineMs);
    try {
      return await this.send(request, signal ? AbortSignal.any([timer.signal, signal]) : timer.signal);
    } finally {
      clearTimeout(timeout);
    }
  }

  private async send(request: InternalRequest, signal: AbortSignal): Promise<Response> {
    if (!this.baseUrl) throw upstreamUnavailable(this.service);
    const url = new URL(
      request.path.replace(/^\//, ''),
      this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
    );
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { 'x-tenant-id': request.tenantId, accept: 'application/json' };
    for (const [name, value] of Object.entries(request.headers ?? {}))
      if (value !== undefined) headers[name] = value;
    let body: string | ReadableStream | undefined;
    if (request.stream) {
      headers['content-type'] = request.stream.contentType;
      body = Readable.toWeb(request.stream.body) as ReadableStream;
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(request.stream ? { duplex: 'half' } : {}),
        signal,
      });
    } catch (error) {
      throw upstreamUnavailable(this.service, error);
    }
    if (response.status >= 400) {
      const text = await this.read(response).catch(() => '');
      let problem: UpstreamProblem = {};
      try {
        problem = JSON.parse(text) as UpstreamProblem;
      } catch {
        // Not a problem document: the status says enough.
      }
      throw fromUpstream(this.service, problemToError(response.status, problem));
    }
    return response;
  }

  private async read(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw upstreamUnavailable(this.service, error);
    }
  }
}
