import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { SecretCipher } from '../../infrastructure/secret-cipher.util';

function contextOf(subscriptionId: string): string {
  return `webhook_subscription:${subscriptionId}`;
}

/**
 * Webhook signing secrets at rest: sealed with AES-256-GCM, bound to their subscription id. Rows
 * from before the `secret_sealed` migration hold plain text; they are re-sealed at start-up.
 */
@Injectable()
export class WebhookSecrets implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookSecrets');

  constructor(
    private readonly cipher: SecretCipher,
    private readonly database: GatewayDatabase,
  ) {}

  seal(subscriptionId: string, secret: string): string {
    return this.cipher.seal(secret, contextOf(subscriptionId));
  }

  open(subscription: { id: string; secretSealed: string }): string {
    if (!SecretCipher.isSealed(subscription.secretSealed)) return subscription.secretSealed;
    return this.cipher.open(subscription.secretSealed, contextOf(subscription.id));
  }

  async onApplicationBootstrap(): Promise<void> {
    const count = await this.resealLegacy();
    if (count > 0) this.logger.log(`sealed ${count} plain-text webhook secret(s)`);
  }

  /** Seals every plain-text secret left by the old layout; idempotent, safe with several replicas. */
  resealLegacy(): Promise<number> {
    return this.database.operator(async (tx) => {
      const legacy = await tx.$queryRaw<{ id: string; secret_sealed: string }[]>`
        SELECT id, secret_sealed FROM webhook_subscription
        WHERE secret_sealed NOT LIKE 'v1.%' FOR UPDATE SKIP LOCKED`;
      for (const row of legacy) {
        await tx.webhookSubscription.update({
          where: { id: row.id },
          data: { secretSealed: this.seal(row.id, row.secret_sealed) },
        });
      }
      return legacy.length;
    });
  }
}
