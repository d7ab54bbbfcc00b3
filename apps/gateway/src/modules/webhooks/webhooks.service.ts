import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError } from '@cc/platform';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { lockRow } from '../../infrastructure/row-lock.util';
import { newId } from '../../infrastructure/id.util';
import type { WebhookDelivery, WebhookSubscription } from '../../generated/prisma/client';
import { AuditService } from '../audit/audit.service';
import { checkIfMatch } from '../http/etag.util';
import { decodeCursor, pageArgs, toPage, type Page, type PageQuery } from '../http/pagination.util';
import type { Versioned } from '../users/users.service';
import { WebhookSecrets } from './webhook-secrets.service';
import type {
  CreatedWebhook,
  CreateWebhook,
  DeliveryDetail,
  DeliveryQuery,
  DeliveryView,
  UpdateWebhook,
  WebhookView,
} from './webhook.schema';

export function webhookView(s: WebhookSubscription): WebhookView {
  return {
    id: s.id,
    url: s.url,
    factTypes: s.factTypes,
    description: s.description,
    active: s.active,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function deliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status as DeliveryView['status'],
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.internal') ||
    host.endsWith('.local')
  )
    return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (isIP(host) === 6)
    return host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80');
  return false;
}

/** A tenant's webhook subscriptions, their delivery log and replays. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly database: GatewayDatabase,
    private readonly audit: AuditService,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  create(actor: string, tenantId: string, input: CreateWebhook): Promise<Versioned<CreatedWebhook>> {
    this.checkUrl(input.url);
    return this.database.tenant(tenantId, async (tx) => {
      const now = this.clock.now();
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const id = newId('wh', now);
      const sub = await tx.webhookSubscription.create({
        data: {
          id,
          tenantId,
          url: input.url,
          factTypes: input.factTypes,
          description: input.description ?? null,
          secretSealed: this.secrets.seal(id, secret),
          createdAt: now,
          updatedAt: now,
        },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'webhook.created',
        resourceType: 'webhook',
        resourceId: sub.id,
        after: webhookView(sub),
      });
      return { value: { ...webhookView(sub), secret }, version: sub.version };
    });
  }

  list(tenantId: string, query: PageQuery): Promise<Page<WebhookView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const args = pageArgs(query);
      return toPage(
        await tx.webhookSubscription.findMany({ ...args, where: { ...args.where, tenantId } }),
        query.limit,
        webhookView,
      );
    });
  }

  get(tenantId: string, id: string): Promise<Versioned<WebhookView>> {
    return this.database.tenant(tenantId, async (tx) => {
      const sub = await tx.webhookSubscription.findFirst({ where: { id, tenantId } });
      if (!sub) throw AppError.notFound('webhook', id);
      return { value: webhookView(sub), version: sub.version };
    });
  }

  update(
    actor: string,
    tenantId: string,
    id: string,
    input: UpdateWebhook,
    ifMatch?: string,
  ): Promise<Versioned<WebhookView>> {
    if (input.url) this.checkUrl(input.url);
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'webhook_subscription', id);
      const before = await tx.webhookSubscription.findFirst({ where: { id, tenantId } });
      if (!before) throw AppError.notFound('webhook', id);
      checkIfMatch(ifMatch, before.version);
      const after = await tx.webhookSubscription.update({
        where: { id },
        data: { ...input, version: { increment: 1 }, updatedAt: this.clock.now() },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'webhook.updated',
        resourceType: 'webhook',
        resourceId: id,
        before: webhookView(before),
        after: webhookView(after),
      });
      return { value: webhookView(after), version: after.version };
    });
  }

  remove(actor: string, tenantId: string, id: string, ifMatch?: string): Promise<void> {
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'webhook_subscription', id);
      const before = await tx.webhookSubscription.findFirst({ where: { id, tenantId } });
      if (!before) throw AppError.notFound('webhook', id);
      checkIfMatch(ifMatch, before.version);
      const deliveries = await tx.webhookDelivery.findMany({
        where: { subscriptionId: id, tenantId },
        select: { id: true },
      });
      await tx.webhookAttempt.deleteMany({
        where: { tenantId, deliveryId: { in: deliveries.map((d) => d.id) } },
      });
      await tx.webhookDelivery.deleteMany({ where: { subscriptionId: id, tenantId } });
      await tx.webhookSubscription.delete({ where: { id } });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'webhook.deleted',
        resourceType: 'webhook',
        resourceId: id,
        before: webhookView(before),
      });
    });
  }

  deliveries(tenantId: string, subscriptionId: string, query: DeliveryQuery): Promise<Page<DeliveryView>> {
    return this.database.tenant(tenantId, async (tx) => {
      await this.requireSubscription(tx, tenantId, subscriptionId);
      const after = decodeCursor(query.cursor);
      const rows = await tx.webhookDelivery.findMany({
        where: {
          tenantId,
          subscriptionId,
          ...(query.status ? { status: query.status } : {}),
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, deliveryView);
    });
  }

  delivery(tenantId: string, subscriptionId: string, deliveryId: string): Promise<DeliveryDetail> {
    return this.database.tenant(tenantId, async (tx) => {
      const d = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId, tenantId } });
      if (!d) throw AppError.notFound('delivery', deliveryId);
      const attempts = await tx.webhookAttempt.findMany({
        where: { tenantId, deliveryId },
        orderBy: { attempt: 'asc' },
      });
      return {
        ...deliveryView(d),
        payload: d.payload,
        attemptLog: attempts.map((a) => ({
          attempt: a.attempt,
          statusCode: a.statusCode,
          error: a.error,
          durationMs: a.durationMs,
          at: a.at.toISOString(),
        })),
      };
    });
  }

  /** Sends a delivery again (a dead letter, or a delivered one the receiver lost), from attempt 1. */
  replay(actor: string, tenantId: string, subscriptionId: string, deliveryId: string): Promise<DeliveryView> {
    return this.database.tenant(tenantId, async (tx) => {
      await lockRow(tx, 'webhook_delivery', deliveryId);
      const before = await tx.webhookDelivery.findFirst({
        where: { id: deliveryId, subscriptionId, tenantId },
      });
      if (!before) throw AppError.notFound('delivery', deliveryId);
      const after = await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'pending', attempts: 0, nextAttemptAt: this.clock.now(), lastError: null },
      });
      await this.audit.record(tx, {
        tenantId,
        actor,
        action: 'webhook_delivery.replayed',
        resourceType: 'webhook_delivery',
        resourceId: deliveryId,
        before: deliveryView(before),
        after: deliveryView(after),
      });
      return deliveryView(after);
    });
  }

  private async requireSubscription(
    tx: Parameters<Parameters<GatewayDatabase['operator']>[0]>[0],
    tenantId: string,
    id: string,
  ): Promise<void> {
    const sub = await tx.webhookSubscription.findFirst({ where: { id, tenantId }, select: { id: true } });
    if (!sub) throw AppError.notFound('webhook', id);
  }

  /** Only https to public hosts, unless insecure URLs are allowed (tests, development). */
  private checkUrl(raw: string): void {
    if (this.config.WEBHOOK_ALLOW_INSECURE_URLS) return;
    const url = new URL(raw);
    if (url.protocol !== 'https:')
      throw AppError.invalid([{ field: 'body.url', rule: 'https', message: 'must use https' }]);
    if (isPrivateHost(url.hostname))
      throw AppError.invalid([
        { field: 'body.url', rule: 'public_host', message: 'must not point at a private or local address' },
      ]);
  }
}

export type { PageQuery };
