import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { SecretCipher } from '../../infrastructure/secret-cipher.util';

function contextOf(subscriptionId: string): string {
  return `webhook_subscription:${subscriptionId}`;
}

/**
 * Webhook signing secrets at rest: sealed with AES-256-GCM, bound to their subscription id. At
 * start-up, rows not sealed by the ring's current key (plain text from before the `secret_sealed`
 * migration, or a key being rotated out) are re-sealed with it.
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
    const count = await this.reseal();
    if (count > 0)
      this.logger.log(`re-sealed ${count} webhook secret(s) with key ${this.cipher.currentKeyId}`);
  }

  /**
   * Seals every secret that the current key did not seal (plain text of the old layout, or another
   * key of the ring); idempotent, safe with several replicas. One that no key opens is left alone
   * (its deliveries fail visibly until the subscription gets a new secret).
   */
  reseal(): Promise<number> {
    const current = `v2.${this.cipher.currentKeyId}.`;
    return this.database.operator(async (tx) => {
      const stale = await tx.$queryRaw<{ id: string; secret_sealed: string }[]>`
        SELECT id, secret_sealed FROM webhook_subscription
        WHERE left(secret_sealed, ${current.length}) <> ${current} FOR UPDATE SKIP LOCKED`;
      let count = 0;
      for (const row of stale) {
        let secret: string;
        try {
          secret = this.open({ id: row.id, secretSealed: row.secret_sealed });
        } catch (error) {
          this.logger.warn(`webhook ${row.id}: secret not re-sealed: ${(error as Error).message}`);
          continue;
        }
        await tx.webhookSubscription.update({
          where: { id: row.id },
          data: { secretSealed: this.seal(row.id, secret) },
        });
        count += 1;
      }
      return count;
    });
  }
}
