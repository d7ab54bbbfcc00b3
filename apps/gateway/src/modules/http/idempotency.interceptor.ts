import {
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@cc/platform';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, type Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { GatewayDatabase, type GatewayTx } from '../../infrastructure/gateway-database';
import { Clock } from '../../infrastructure/clock';
import { SecretCipher } from '../../infrastructure/secret-cipher.util';
import type { AuthenticatedRequest } from '../auth/authenticated.decorator';
import type { Principal } from '../auth/principal.type';

export const STREAMED_BODY = 'cc:streamed-body';

/** A POST whose body is streamed through to a service (a CSV upload): Idempotency-Key is refused. */
export const StreamedBody = (): MethodDecorator => SetMetadata(STREAMED_BODY, true);

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['etag', 'location'];
/** A finished request's response is replayed for this long; after it the key may be used afresh. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * A claim whose request never finished (the replica died mid-request) is released after this, far
 * beyond any request's run time, so the client is not locked out of its key forever.
 */
export const IDEMPOTENCY_ABANDONED_MS = 10 * 60_000;

function sealContext(principal: Principal, key: string): string {
  return `idempotency:${principal.id}:${key}`;
}

/** Canonical JSON (sorted keys) so that key order does not make two equal bodies differ. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on authenticated POSTs, per credential: the first request claims the key (a row
 * with no status yet), runs, and stores its response; a repeat with the same body gets that response
 * back, a repeat with another body gets 422, a repeat while the first still runs gets 409. A failed
 * first request releases the key, so the client may retry it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly database: GatewayDatabase,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const header = request.headers['idempotency-key'];
    const principal = request.principal;
    if (request.method !== 'POST' || header === undefined || !principal) return next.handle();
    if (this.reflector.get<boolean | undefined>(STREAMED_BODY, context.getHandler())) {
      // The body is streamed through, not read here: it cannot be compared with a first request's.
      throw AppError.invalid([
        {
          field: 'header.Idempotency-Key',
          rule: 'unsupported',
          message: 'is not supported on streamed uploads (see the route: retrying it is safe)',
        },
      ]);
    }
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY.test(key)) {
      throw AppError.invalid([
        {
          field: 'header.Idempotency-Key',
          rule: 'format',
          message: 'must be 1-255 visible ASCII characters',
        },
      ]);
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body)}`)
      .digest('hex');
    return from(this.claim(principal, key, requestHash)).pipe(
      mergeMap((existing) => {
        if (existing) {
          response.status(existing.status);
          for (const [name, value] of Object.entries(existing.headers)) response.setHeader(name, value);
          response.setHeader('Idempotent-Replayed', 'true');
          return of(existing.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            const headers: Record<string, string> = {};
            for (const name of REPLAYED_HEADERS) {
              const value = response.getHeader(name);
              if (typeof value === 'string') headers[name] = value;
            }
            await this.inScope(principal, (tx) =>
              tx.idempotencyRecord.update({
                where: { principal_key: { principal: principal.id, key } },
                data: {
                  status: response.statusCode,
                  // Sealed: a response may carry a secret shown once (an API key, a webhook secret).
                  body: {
                    sealed: this.cipher.seal(JSON.stringify(body ?? null), sealContext(principal, key)),
                  },
                  headers,
                },
              }),
            );
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.inScope(principal, (tx) =>
              tx.idempotencyRecord.deleteMany({ where: { principal: principal.id, key, status: null } }),
            );
            throw error;
          }),
        );
      }),
    );
  }

  private async claim(
    principal: Principal,
    key: string,
    requestHash: string,
  ): Promise<{ status: number; body: unknown; headers: Record<string, string> } | undefined> {
    const tenantId = principal.kind === 'tenant' ? principal.tenantId : null;
    const now = this.clock.now().getTime();
    return this.inScope(principal, async (tx) => {
      await tx.$executeRaw`DELETE FROM idempotency_record
        WHERE principal = ${principal.id} AND key = ${key}
          AND (created_at < ${new Date(now - IDEMPOTENCY_TTL_MS)}
               OR (status IS NULL AND created_at < ${new Date(now - IDEMPOTENCY_ABANDONED_MS)}))`;
      const inserted =
        await tx.$executeRaw`INSERT INTO idempotency_record (principal, key, tenant_id, request_hash, created_at)
        VALUES (${principal.id}, ${key}, ${tenantId}, ${requestHash}, ${new Date(now)}) ON CONFLICT DO NOTHING`;
      if (inserted === 1) return undefined;
      const existing = await tx.idempotencyRecord.findUnique({
        where: { principal_key: { principal: principal.id, key } },
      });
      if (!existing) throw new ConflictException('the Idempotency-Key is being released; retry');
      if (existing.requestHash !== requestHash) {
        throw new UnprocessableEntityException(
          'this Idempotency-Key was used with a different request body or path',
        );
      }
      if (existing.status === null)
        throw new ConflictException('a request with this Idempotency-Key is still running');
      return {
        status: existing.status,
        body: this.unseal(existing.body, principal, key),
        headers: (existing.headers ?? {}) as Record<string, string>,
      };
    });
  }

  private unseal(stored: unknown, principal: Principal, key: string): unknown {
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    if (typeof sealed !== 'string') return stored;
    return JSON.parse(this.cipher.open(sealed, sealContext(principal, key))) as unknown;
  }

  private inScope<R>(principal: Principal, fn: (tx: GatewayTx) => Promise<R>): Promise<R> {
    return principal.kind === 'tenant'
      ? this.database.tenant(principal.tenantId, fn)
      : this.database.operator(fn);
  }
}
