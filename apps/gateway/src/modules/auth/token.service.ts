import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cc/platform';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { USER_ROLES, type UserRole } from './permission.constant';

const ISSUER = 'cc-gateway';

const AccessClaimsSchema = z.object({
  sub: z.string(),
  role: z.enum(USER_ROLES),
  tid: z.string().optional(),
  typ: z.literal('access'),
});

export interface AccessClaims {
  userId: string;
  role: UserRole;
  tenantId: string | undefined;
}

/** Short-lived HS256 access tokens for user logins (refresh tokens live in the database). */
@Injectable()
export class TokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly clock: Clock,
  ) {}

  issueAccessToken(claims: AccessClaims): { token: string; expiresIn: number } {
    const expiresIn = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const token = jwt.sign(
      {
        sub: claims.userId,
        role: claims.role,
        ...(claims.tenantId ? { tid: claims.tenantId } : {}),
        typ: 'access',
        iat,
        exp: iat + expiresIn,
      },
      this.config.JWT_SECRET,
      { algorithm: 'HS256', issuer: ISSUER, audience: ISSUER },
    );
    return { token, expiresIn };
  }

  /** The claims of a valid, unexpired token; undefined for anything else. */
  verifyAccessToken(token: string): AccessClaims | undefined {
    try {
      const payload = jwt.verify(token, this.config.JWT_SECRET, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      const claims = AccessClaimsSchema.safeParse(payload);
      if (!claims.success) return undefined;
      return { userId: claims.data.sub, role: claims.data.role, tenantId: claims.data.tid };
    } catch {
      return undefined;
    }
  }
}
