import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError, ErrorKind } from '@cc/platform';
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { parseApiKey } from './api-key.util';
import { matchOperatorToken, parseOperatorTokens, type OperatorTokenEntry } from './operator-tokens.util';
import { PasswordHasher } from './password-hasher.service';
import { ROLE_PERMISSIONS, TENANT_PERMISSIONS, type TenantPermission } from './permission.constant';
import type { Principal } from './principal.type';
import { TokenService } from './token.service';

const LAST_USED_RESOLUTION_MS = 60_000;
const VERIFIED_CACHE_MAX = 10_000;

export function unauthenticated(message = 'a valid credential is required'): AppError {
  return new AppError(ErrorKind.Unauthenticated, message, { code: 'unauthenticated' });
}

/**
 * Turns an `Authorization: Bearer ...` header into a Principal: an operator token, a tenant API key
 * (`cck_live_...`) or a user's access token (JWT). Credentials are looked up operator-wide, because
 * the tenant is not known until the credential says it; nothing else runs before that.
 */
@Injectable()
export class Authenticator {
  private readonly operatorTokens: OperatorTokenEntry[];
  /**
   * argon2 costs ~20 ms: a key already verified in this process is recognised by a sha256 of the
   * presented key bound to the stored hash, so rotating or revoking the key still takes effect at once.
   */
  private readonly verifiedKeys = new Map<string, string>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly database: GatewayDatabase,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {
    this.operatorTokens = parseOperatorTokens(config.OPERATOR_TOKENS);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw unauthenticated();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const presented = match?.[1];
    if (!presented) throw unauthenticated('use "Authorization: Bearer <credential>"');
    const apiKey = parseApiKey(presented);
    if (apiKey) return this.authenticateApiKey(apiKey.keyId, presented);
    if (presented.split('.').length === 3) return this.authenticateAccessToken(presented);
    const operator = matchOperatorToken(this.operatorTokens, presented);
    if (operator) return { kind: 'operator', id: `operator:${operator}`, via: 'operator_token' };
    throw unauthenticated();
  }

  private async authenticateApiKey(keyId: string, presented: string): Promise<Principal> {
    const now = this.clock.now();
    const found = await this.database.operator(async (tx) => {
      const key = await tx.apiKey.findUnique({ where: { id: keyId } });
      if (!key) return undefined;
      const tenant = await tx.tenant.findUnique({ where: { id: key.tenantId } });
      return { key, tenantStatus: tenant?.status };
    });
    if (!found) throw unauthenticated();
    const { key } = found;
    const fingerprint = `${keyId}:${createHash('sha256').update(presented).digest('hex')}`;
    if (this.verifiedKeys.get(fingerprint) !== key.secretHash) {
      if (!(await this.hasher.verify(key.secretHash, presented))) throw unauthenticated();
      if (this.verifiedKeys.size >= VERIFIED_CACHE_MAX) this.verifiedKeys.clear();
      this.verifiedKeys.set(fingerprint, key.secretHash);
    }
    if (key.revokedAt) throw unauthenticated('this API key was revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime())
      throw unauthenticated('this API key has expired');
    this.assertTenantActive(found.tenantStatus);
    await this.touchLastUsed(keyId, key.tenantId, now);
    const permissions = new Set(
      key.scopes.filter((s): s is TenantPermission => (TENANT_PERMISSIONS as readonly string[]).includes(s)),
    );
    return { kind: 'tenant', id: `api_key:${keyId}`, tenantId: key.tenantId, via: 'api_key', permissions };
  }

  private async authenticateAccessToken(token: string): Promise<Principal> {
    const claims = this.tokens.verifyAccessToken(token);
    if (!claims) throw unauthenticated('the access token is invalid or has expired');
    if (claims.role === 'operator_admin') {
      if (claims.tenantId) throw unauthenticated();
      return { kind: 'operator', id: `user:${claims.userId}`, via: 'user' };
    }
    if (!claims.tenantId) throw unauthenticated();
    const tenantId = claims.tenantId;
    const tenant = await this.database.operator((tx) => tx.tenant.findUnique({ where: { id: tenantId } }));
    this.assertTenantActive(tenant?.status);
    return {
      kind: 'tenant',
      id: `user:${claims.userId}`,
      tenantId,
      via: 'user',
      role: claims.role,
      permissions: new Set(ROLE_PERMISSIONS[claims.role]),
    };
  }

  private assertTenantActive(status: string | undefined): void {
    if (status === 'active') return;
    if (status === 'suspended') {
      throw new AppError(ErrorKind.PermissionDenied, 'this tenant is suspended', {
        code: 'tenant_suspended',
      });
    }
    throw unauthenticated();
  }

  /** Written at most once a minute per key per replica: a write per request would be wasteful. */
  private async touchLastUsed(keyId: string, tenantId: string, now: Date): Promise<void> {
    const last = this.lastUsedWritten.get(keyId);
    if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(keyId, now.getTime());
    await this.database.tenant(tenantId, (tx) =>
      tx.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: now } }),
    );
  }
}
