import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { newId } from '../../infrastructure/id.util';
import { WebhookSecrets } from './webhook-secrets.service';
import { WebhookSender } from './webhook-sender';
import {
  DELIVERY_HEADER,
  EVENT_TYPE_HEADER,
  retryDelayMs,
  SIGNATURE_HEADER,
  signatureHeader,
  TIMESTAMP_HEADER,
} from './webhook-signature.util';

const BATCH = 20;

/**
 * Sends pending deliveries. A replica leases due deliveries (moves their next attempt past the send
 * timeout) with SKIP LOCKED, so replicas never send the same one twice at once; only the oldest
 * pending delivery of each subscription is due, so a receiver sees its facts in order. A failure is
 * retried with exponential back-off; after WEBHOOK_MAX_ATTEMPTS the delivery is dead (replayable).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly database: GatewayDatabase,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`webhook dispatch failed: ${(error as Error).message}`))
        .finally(() => this.schedule());
    }, this.config.WEBHOOK_POLL_MS);
  }

  /** One round: lease due deliveries and send them. Returns how many were attempted. */
  async tick(): Promise<number> {
    const ids = await this.lease();
    for (const id of ids) await this.attempt(id);
    return ids.length;
  }

  private lease(): Promise<string[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.config.WEBHOOK_TIMEOUT_MS * 2 + 5_000);
    return this.database.operator(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE webhook_delivery SET next_attempt_at = ${leaseUntil}
        WHERE id IN (
          SELECT d.id FROM webhook_delivery d
          JOIN webhook_subscription s ON s.id = d.subscription_id AND s.active
          WHERE d.status = 'pending' AND d.next_attempt_at <= ${now}
            AND NOT EXISTS (
              SELECT 1 FROM webhook_delivery e
              WHERE e.subscription_id = d.subscription_id AND e.status = 'pending' AND e.id < d.id)
          ORDER BY d.id
          LIMIT ${BATCH}
          FOR UPDATE OF d SKIP LOCKED)
        RETURNING id`;
      return rows.map((r) => r.id).sort();
    });
  }

  private openSecret(subscription: { id: string; secretSealed: string }): string | undefined {
    try {
      return this.secrets.open(subscription);
    } catch {
      this.logger.error(`webhook subscription ${subscription.id}: the signing secret cannot be decrypted`);
      return undefined;
    }
  }

  private async attempt(deliveryId: string): Promise<void> {
    const loaded = await this.database.operator(async (tx) => {
      const delivery = await tx.webhookDelivery.findUnique({ where: { id: deliveryId } });
      const subscription = delivery
        ? await tx.webhookSubscription.findUnique({ where: { id: delivery.subscriptionId } })
        : null;
      return delivery && subscription ? { delivery, subscription } : undefined;
    });
    if (!loaded) return;
    const { delivery, subscription } = loaded;
    const body = JSON.stringify(delivery.payload);
    const started = this.clock.now();
    const timestamp = Math.floor(started.getTime() / 1000);
    const secret = this.openSecret(subscription);
    // A secret that does not decrypt (WEBHOOK_SECRET_KEY changed, row tampered with) is a failed
    // attempt like any other: it is logged, retried and finally dead-lettered, never sent unsigned.
    const result =
      secret === undefined
        ? { error: 'the signing secret cannot be decrypted' }
        : await this.sender.send(
            subscription.url,
            {
              'content-type': 'application/json',
              'user-agent': 'cc-gateway-webhooks/1',
              [DELIVERY_HEADER]: delivery.id,
              [EVENT_TYPE_HEADER]: delivery.eventType,
              [TIMESTAMP_HEADER]: String(timestamp),
              [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
            },
            body,
            this.config.WEBHOOK_TIMEOUT_MS,
          );
    const finished = this.clock.now();
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const dead = !ok && attempts >= this.config.WEBHOOK_MAX_ATTEMPTS;
    const error = ok ? null : (result.error ?? `receiver answered ${result.statusCode ?? 'nothing'}`);
    await this.database.tenant(delivery.tenantId, async (tx) => {
      await tx.webhookAttempt.create({
        data: {
          id: newId('wha', finished),
          tenantId: delivery.tenantId,
          deliveryId: delivery.id,
          attempt: attempts,
          statusCode: result.statusCode ?? null,
          error,
          durationMs: Math.max(0, finished.getTime() - started.getTime()),
          at: finished,
        },
      });
      await tx.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts,
          lastStatusCode: result.statusCode ?? null,
          lastError: error,
          status: ok ? 'delivered' : dead ? 'dead' : 'pending',
          ...(ok ? { deliveredAt: finished } : {}),
          nextAttemptAt:
            ok || dead
              ? finished
              : new Date(
                  finished.getTime() +
                    retryDelayMs(
                      attempts,
                      this.config.WEBHOOK_BASE_DELAY_MS,
                      this.config.WEBHOOK_MAX_DELAY_MS,
                    ),
                ),
        },
      });
    });
    if (dead) this.logger.warn(`webhook delivery ${delivery.id} dead-lettered after ${attempts} attempts`);
  }
}
