import { Injectable } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase, type GatewayTx } from '../../infrastructure/gateway-database';
import { lockRow } from '../../infrastructure/row-lock.util';
import type { ApiKey } from '../../generated/prisma/client';
import { AuditService } from '../audit/audit.service';
import { generateApiKey } from '../auth/api-key.util';
import { PasswordHasher } from '../auth/password-hasher.service';
import { checkIfMatch } from '../http/etag.util';
import { pageArgs, toPage, type Page, type PageQuery } from '../http/pagination.util';
import type { Versioned } from '../users/users.service';
import type { ApiKeyView, CreateApiKey, CreatedApiKey, RotateApiKey } from './api-key.schema';

export function apiKeyView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
  };
}

/** A tenant's API keys: the key is returned once, only its argon2 hash is kept. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly database: GatewayDatabase,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async create(actor: string, tenantId: string, input: CreateApiKey): Promise<Versioned<CreatedApiKey>> {
    const now = this.clock.now();
    if (input.expiresAt && new Date(input.expiresAt).getTime() <= now.getTime()) {
      throw AppError.invalid([{ field: 'body.expiresAt', rule: 'future', message: 'must be in the future' }]);
    }
    const generated = generateApiKey();
    const secretHash = await this.hasher.hash(generated.key);
    return this.database.tenant(tenantId, async (tx) => {
      const key = await this.insert(
        tx,
        tenantId,
        actor,
        generated,
        secretHash,
        input.name,
        input.scopes,
        input.expiresAt ? new Date(input.expiresAt) : null,
      );
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'api_key.created',
        resourceType: 'api_key',
        resourceId: key.id,
        after: apiKeyView(key),
      });
      return { value: { ...apiKeyView(key), key: generated.key }, version: key.version };
    });
  }

  list(tenantId: string, query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const args = pageArgs(query);
      return toPage(
        await tx.apiKey.findMany({ ...args, where: { ...args.where, tenantId } }),
        query.limit,
        apiKeyView,
      );
    });
  }

  get(tenantId: string, keyId: string): Promise<Versioned<ApiKeyView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id: keyId, tenantId } });
      if (!key) throw AppError.notFound('API key', keyId);
      return { value: apiKeyView(key), version: key.version };
    });
  }

  /** A new key with the same name and scopes; the old one stops now or after the grace period. */
  async rotate(
    actor: string,
    tenantId: string,
    keyId: string,
    input: RotateApiKey,
    ifMatch?: string,
  ): Promise<Versioned<CreatedApiKey>> {
    const generated = generateApiKey();
    const secretHash = await this.hasher.hash(generated.key);
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'api_key', keyId);
      const old = await tx.apiKey.findFirst({ where: { id: keyId, tenantId } });
      if (!old || old.revokedAt) throw AppError.notFound('API key', keyId);
      checkIfMatch(ifMatch, old.version);
      const now = this.clock.now();
      const graceEnd = new Date(now.getTime() + input.gracePeriodSeconds * 1000);
      const oldAfter = await tx.apiKey.update({
        where: { id: keyId },
        data:
          input.gracePeriodSeconds === 0
            ? { revokedAt: now, version: { increment: 1 } }
            : {
                expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd,
                version: { increment: 1 },
              },
      });
      const key = await this.insert(
        tx,
        tenantId,
        actor,
        generated,
        secretHash,
        old.name,
        old.scopes,
        old.expiresAt,
      );
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'api_key.rotated',
        resourceType: 'api_key',
        resourceId: keyId,
        before: apiKeyView(old),
        after: { old: apiKeyView(oldAfter), new: apiKeyView(key) },
      });
      return { value: { ...apiKeyView(key), key: generated.key }, version: key.version };
    });
  }

  revoke(actor: string, tenantId: string, keyId: string, ifMatch?: string): Promise<void> {
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'api_key', keyId);
      const before = await tx.apiKey.findFirst({ where: { id: keyId, tenantId } });
      if (!before) throw AppError.notFound('API key', keyId);
      checkIfMatch(ifMatch, before.version);
      if (before.revokedAt) return;
      const after = await tx.apiKey.update({
        where: { id: keyId },
        data: { revokedAt: this.clock.now(), version: { increment: 1 } },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'api_key.revoked',
        resourceType: 'api_key',
        resourceId: keyId,
        before: apiKeyView(before),
        after: apiKeyView(after),
      });
    });
  }

  private insert(
    tx: GatewayTx,
    tenantId: string,
    actor: string,
    generated: ReturnType<typeof generateApiKey>,
    secretHash: string,
    name: string,
    scopes: string[],
    expiresAt: Date | null,
  ): Promise<ApiKey> {
    return tx.apiKey.create({
      data: {
        id: generated.keyId,
        tenantId,
        name,
        prefix: generated.displayPrefix,
        secretHash,
        scopes,
        expiresAt,
        createdBy: actor,
        createdAt: this.clock.now(),
      },
    });
  }
}
