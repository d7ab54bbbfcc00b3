import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cc/platform';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase, type GatewayTx } from '../../infrastructure/gateway-database';
import { newId } from '../../infrastructure/id.util';
import type { AppUser } from '../../generated/prisma/client';
import { AuditService } from '../audit/audit.service';
import type { TokenPair } from './auth.schema';
import { unauthenticated } from './authenticator.service';
import { PasswordHasher } from './password-hasher.service';
import type { UserRole } from './permission.constant';
import { TokenService } from './token.service';

const REFRESH_PREFIX = 'ccr_';

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * User logins: a password (argon2) gives a short-lived access token and a one-time refresh token.
 * Refresh tokens rotate; presenting one that was already used means it was stolen (or replayed), so
 * the whole family (that login) is revoked.
 */
@Injectable()
export class AuthService {
  /** A real hash to verify against when the email is unknown, so timing does not reveal accounts. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly database: GatewayDatabase,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const found = await this.database.operator(async (tx) => {
      const user = await tx.appUser.findUnique({ where: { email } });
      const tenant = user?.tenantId ? await tx.tenant.findUnique({ where: { id: user.tenantId } }) : null;
      return { user, tenantActive: user?.tenantId ? tenant?.status === 'active' : true };
    });
    const user = found.user;
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok || user.disabled || !found.tenantActive)
      throw unauthenticated('wrong email or password');
    return this.database.operator(async (tx) => {
      const now = this.clock.now();
      await tx.appUser.update({ where: { id: user.id }, data: { lastLoginAt: now } });
      return this.issue(tx, user, newId('fam', now));
    });
  }

  async refresh(presented: string): Promise<TokenPair> {
    const parsed = this.parse(presented);
    if (!parsed) throw unauthenticated('invalid refresh token');
    const result = await this.database.operator(async (tx) => {
      const token = await tx.refreshToken.findUnique({ where: { id: parsed.id } });
      if (!token || !timingSafeEqual(Buffer.from(token.tokenHash), Buffer.from(hashSecret(parsed.secret)))) {
        return { error: 'invalid refresh token' } as const;
      }
      const now = this.clock.now();
      if (token.usedAt || token.revokedAt) {
        const reused = token.usedAt !== null && token.revokedAt === null;
        await tx.refreshToken.updateMany({
          where: { familyId: token.familyId, revokedAt: null },
          data: { revokedAt: now },
        });
        if (reused) {
          await this.audit.record(tx, {
            tenantId: token.tenantId,
            actor: `user:${token.userId}`,
            action: 'session.refresh_token_reused',
            resourceType: 'session',
            resourceId: token.familyId,
          });
        }
        return { error: 'this refresh token was already used: the session is ended' } as const;
      }
      if (token.expiresAt.getTime() <= now.getTime())
        return { error: 'the refresh token has expired' } as const;
      const user = await tx.appUser.findUnique({ where: { id: token.userId } });
      const tenant = user?.tenantId ? await tx.tenant.findUnique({ where: { id: user.tenantId } }) : null;
      if (!user || user.disabled || (user.tenantId && tenant?.status !== 'active')) {
        return { error: 'the account is no longer active' } as const;
      }
      // Spend the token only if nobody spent it since it was read: a concurrent refresh with the same
      // token waits on the row lock here, then finds it used, which is a replay like any other.
      const spent = await tx.refreshToken.updateMany({
        where: { id: token.id, usedAt: null, revokedAt: null },
        data: { usedAt: now },
      });
      if (spent.count !== 1) {
        await tx.refreshToken.updateMany({
          where: { familyId: token.familyId, revokedAt: null },
          data: { revokedAt: now },
        });
        await this.audit.record(tx, {
          tenantId: token.tenantId,
          actor: `user:${token.userId}`,
          action: 'session.refresh_token_reused',
          resourceType: 'session',
          resourceId: token.familyId,
        });
        return { error: 'this refresh token was already used: the session is ended' } as const;
      }
      return { pair: await this.issue(tx, user, token.familyId) } as const;
    });
    // The family revocation above must commit, so the refusal is thrown only after the transaction.
    if ('error' in result) throw unauthenticated(result.error);
    return result.pair;
  }

  async logout(presented: string): Promise<void> {
    const parsed = this.parse(presented);
    if (!parsed) return;
    await this.database.operator(async (tx) => {
      const token = await tx.refreshToken.findUnique({ where: { id: parsed.id } });
      if (!token || token.tokenHash !== hashSecret(parsed.secret)) return;
      await tx.refreshToken.updateMany({
        where: { familyId: token.familyId, revokedAt: null },
        data: { revokedAt: this.clock.now() },
      });
    });
  }

  private async issue(tx: GatewayTx, user: AppUser, familyId: string): Promise<TokenPair> {
    const now = this.clock.now();
    const id = newId('rt', now);
    const secret = randomBytes(32).toString('base64url');
    await tx.refreshToken.create({
      data: {
        id,
        tenantId: user.tenantId,
        userId: user.id,
        familyId,
        tokenHash: hashSecret(secret),
        expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
        createdAt: now,
      },
    });
    const access = this.tokens.issueAccessToken({
      userId: user.id,
      role: user.role as UserRole,
      tenantId: user.tenantId ?? undefined,
    });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: `${REFRESH_PREFIX}${id}.${secret}`,
    };
  }

  private parse(presented: string): { id: string; secret: string } | undefined {
    if (!presented.startsWith(REFRESH_PREFIX)) return undefined;
    const rest = presented.slice(REFRESH_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return undefined;
    return { id: rest.slice(0, dot), secret: rest.slice(dot + 1) };
  }
}
