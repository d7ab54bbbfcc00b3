import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '@cc/platform';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { lockRow } from '../../infrastructure/row-lock.util';
import { newId } from '../../infrastructure/id.util';
import type { AppUser } from '../../generated/prisma/client';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../auth/password-hasher.service';
import { checkIfMatch } from '../http/etag.util';
import { pageArgs, toPage, type Page, type PageQuery } from '../http/pagination.util';
import type { CreateUser, UpdateUser, UserView } from './user.schema';

export function userView(u: AppUser): UserView {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}

export interface Versioned<T> {
  value: T;
  version: number;
}

/** A tenant's users; every method is scoped to `tenantId` (RLS + explicit filter). */
@Injectable()
export class UsersService {
  constructor(
    private readonly database: GatewayDatabase,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async create(actor: string, tenantId: string, input: CreateUser): Promise<Versioned<UserView>> {
    const passwordHash = await this.hasher.hash(input.password);
    // Emails are unique across tenants (login takes only an email): check operator-wide, answer vaguely.
    const taken = await this.database.operator((tx) =>
      tx.appUser.findUnique({ where: { email: input.email } }),
    );
    if (taken)
      throw new AppError(ErrorKind.AlreadyExists, 'a user with this email already exists', {
        code: 'user_exists',
      });
    return this.database.tenant(tenantId, async (tx) => {
      const now = this.clock.now();
      const user = await tx.appUser.create({
        data: {
          id: newId('usr', now),
          tenantId,
          email: input.email,
          displayName: input.displayName,
          role: input.role,
          passwordHash,
          createdAt: now,
          updatedAt: now,
        },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'user.created',
        resourceType: 'user',
        resourceId: user.id,
        after: userView(user),
      });
      return { value: userView(user), version: user.version };
    });
  }

  list(tenantId: string, query: PageQuery): Promise<Page<UserView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const args = pageArgs(query);
      return toPage(
        await tx.appUser.findMany({ ...args, where: { ...args.where, tenantId } }),
        query.limit,
        userView,
      );
    });
  }

  get(tenantId: string, userId: string): Promise<Versioned<UserView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const user = await tx.appUser.findFirst({ where: { id: userId, tenantId } });
      if (!user) throw AppError.notFound('user', userId);
      return { value: userView(user), version: user.version };
    });
  }

  async update(
    actor: string,
    tenantId: string,
    userId: string,
    input: UpdateUser,
    ifMatch?: string,
  ): Promise<Versioned<UserView>> {
    const { password, ...rest } = input;
    const passwordHash = password === undefined ? undefined : await this.hasher.hash(password);
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'app_user', userId);
      const before = await tx.appUser.findFirst({ where: { id: userId, tenantId } });
      if (!before) throw AppError.notFound('user', userId);
      checkIfMatch(ifMatch, before.version);
      const now = this.clock.now();
      const after = await tx.appUser.update({
        where: { id: userId },
        data: {
          ...rest,
          ...(passwordHash ? { passwordHash } : {}),
          version: { increment: 1 },
          updatedAt: now,
        },
      });
      if (passwordHash || input.disabled === true || (input.role && input.role !== before.role)) {
        // A new password, a disabled account or a new role ends every session of the user.
        await tx.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
      }
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'user.updated',
        resourceType: 'user',
        resourceId: userId,
        before: userView(before),
        after: { ...userView(after), ...(passwordHash ? { passwordChanged: true } : {}) },
      });
      return { value: userView(after), version: after.version };
    });
  }

  remove(actor: string, tenantId: string, userId: string, ifMatch?: string): Promise<void> {
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'app_user', userId);
      const before = await tx.appUser.findFirst({ where: { id: userId, tenantId } });
      if (!before) throw AppError.notFound('user', userId);
      checkIfMatch(ifMatch, before.version);
      await tx.refreshToken.deleteMany({ where: { userId } });
      await tx.appUser.delete({ where: { id: userId } });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'user.deleted',
        resourceType: 'user',
        resourceId: userId,
        before: userView(before),
      });
    });
  }
}
