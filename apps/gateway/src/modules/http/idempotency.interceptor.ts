import {
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { AppError } from '@cc/platform';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, type Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { GatewayDatabase, type GatewayTx } from '../../infrastructure/gateway-database';
import type { Prisma } from '../../generated/prisma/client';
import type { AuthenticatedRequest } from '../auth/authenticated.decorator';
import type { Principal } from '../auth/principal.type';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

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
  constructor(private readonly database: GatewayDatabase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const header = request.headers['idempotency-key'];
    const principal = request.principal;
    if (request.method !== 'POST' || header === undefined || !principal) return next.handle();
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
                  body: (body ?? null) as Prisma.InputJsonValue,
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
    return this.inScope(principal, async (tx) => {
      const inserted =
        await tx.$executeRaw`INSERT INTO idempotency_record (principal, key, tenant_id, request_hash)
        VALUES (${principal.id}, ${key}, ${tenantId}, ${requestHash}) ON CONFLICT DO NOTHING`;
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
        body: existing.body,
        headers: (existing.headers ?? {}) as Record<string, string>,
      };
    });
  }

  private inScope<R>(principal: Principal, fn: (tx: GatewayTx) => Promise<R>): Promise<R> {
    return principal.kind === 'tenant'
      ? this.database.tenant(principal.tenantId, fn)
      : this.database.operator(fn);
  }
}
