import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  EventConsumerService,
  onEvent,
  prismaExecutor,
  runOnce,
  type ConsumerDefinition,
} from '@cc/platform';
import {
  acdEvents,
  domainStreamName,
  telephonyEvents,
  type EventDefinition,
  type EventEnvelope,
} from '@cc/contracts';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import { GatewayDatabase } from '../../infrastructure/gateway-database';
import { newId } from '../../infrastructure/id.util';
import type { Prisma } from '../../generated/prisma/client';
import { WEBHOOK_DOMAINS } from './webhook.schema';

export const WEBHOOK_FANOUT_OPTIONS = Symbol('WEBHOOK_FANOUT_OPTIONS');
export const FANOUT_INBOX = 'gateway-webhook-fanout';

export interface WebhookFanoutOptions {
  /** Tests: streams restricted to these tenants get one durable per tenant (no overlap with others). */
  tenants?: string[];
}

const EVENTS_BY_DOMAIN: Record<(typeof WEBHOOK_DOMAINS)[number], readonly EventDefinition[]> = {
  telephony: telephonyEvents,
  acd: acdEvents,
};

/** The durables reading `cc.*.<domain>.>` of each domain stream the gateway turns into webhooks. */
export function fanoutConsumerDefinitions(prefix: string, tenants?: string[]): ConsumerDefinition[] {
  return WEBHOOK_DOMAINS.flatMap((domain) =>
    (tenants ?? ['*']).map((tenant, i) => ({
      stream: domainStreamName(domain, prefix),
      durableName: `${prefix}gateway-webhooks-${domain}${tenants ? `-${i}` : ''}`,
      filterSubjects: [`cc.${tenant}.${domain}.>`],
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [1_000, 5_000, 30_000],
      maxAckPending: 256,
      deliverPolicy: 'new' as const,
      deadLetterStream: `${prefix}CC_DLQ`,
    })),
  );
}

/**
 * Fans each fact out to the tenant's matching subscriptions: one delivery row per subscription,
 * written exactly once per event (inbox + unique (subscription, event)). Sending is the dispatcher's.
 */
@Injectable()
export class WebhookFanoutConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookFanout');

  constructor(
    private readonly consumers: EventConsumerService,
    private readonly database: GatewayDatabase,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @Inject(WEBHOOK_FANOUT_OPTIONS) private readonly options: WebhookFanoutOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of fanoutConsumerDefinitions(
      this.config.NATS_STREAM_PREFIX,
      this.options.tenants,
    )) {
      const domain = WEBHOOK_DOMAINS.find(
        (d) => definition.stream === domainStreamName(d, this.config.NATS_STREAM_PREFIX),
      );
      if (!domain) continue;
      await this.consumers.consume(
        definition,
        EVENTS_BY_DOMAIN[domain].map((event) =>
          onEvent(event, async (envelope, context) => {
            await this.fanOut(envelope, context.subject);
          }),
        ),
      );
      this.logger.log(`consuming ${definition.stream} as ${definition.durableName}`);
    }
  }

  async fanOut(envelope: EventEnvelope, subject: string): Promise<number> {
    return this.database.tenant(envelope.tenantId, async (tx) => {
      const result = await runOnce(
        prismaExecutor(tx),
        { consumer: FANOUT_INBOX, eventId: envelope.id },
        async () => {
          const subscriptions = await tx.webhookSubscription.findMany({
            where: {
              tenantId: envelope.tenantId,
              active: true,
              factTypes: { hasSome: [envelope.type, '*'] },
            },
            select: { id: true },
          });
          const now = this.clock.now();
          const created = await tx.webhookDelivery.createMany({
            data: subscriptions.map((s) => ({
              id: newId('whd', now),
              tenantId: envelope.tenantId,
              subscriptionId: s.id,
              eventId: envelope.id,
              eventType: envelope.type,
              subject,
              payload: envelope as unknown as Prisma.InputJsonValue,
              nextAttemptAt: now,
              createdAt: now,
            })),
            skipDuplicates: true,
          });
          return created.count;
        },
      );
      return result.ran ? result.result : 0;
    });
  }
}
