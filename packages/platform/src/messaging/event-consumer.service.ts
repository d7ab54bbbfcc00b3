import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { EventRouter, type EventHandlerRegistration } from './event-router.util';
import {
  MessageProcessor,
  type DeadLetterPublisher,
  type MessageOutcome,
  type MessageProcessorDeps,
} from './message-processor.util';
import { NatsConnectionService } from './nats-connection.service';
import { RecentEventIds } from './recent-event-ids.util';
import type { ConsumerDefinition } from './stream-definition.type';

export interface ConsumeOptions {
  /** Messages pulled ahead of processing. Default 32. */
  batchSize?: number;
  /** Capacity of the in-memory de-dup filter. Default 10 000. */
  recentIdsCapacity?: number;
  /** Observes each message's outcome (metrics, tests). */
  onOutcome?: (outcome: MessageOutcome) => void;
  /** Where retries and dead letters are logged; Nest's logger (pino once the app uses nestjs-pino) by default. */
  logger?: MessageProcessorDeps['logger'];
}

/** A running consumer loop. */
export interface RunningConsumer {
  readonly durableName: string;
  /** Stops pulling, lets the message in hand finish and settle, then resolves. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after `stop()`, or when the connection closes). */
  readonly done: Promise<void>;
}

/**
 * Runs durable pull consumers declared with `ConsumerDefinition` (create them first with
 * `ensureStreams`). Messages of one consumer are handled one at a time, in stream order; scale out
 * with replicas of the service, which share the durable.
 */
@Injectable()
export class EventConsumerService implements OnApplicationShutdown {
  private readonly logger = new Logger('EventConsumer');
  private readonly running = new Set<RunningConsumer>();

  constructor(private readonly nats: NatsConnectionService) {}

  async consume(
    definition: ConsumerDefinition,
    handlers: readonly EventHandlerRegistration[],
    opts: ConsumeOptions = {},
  ): Promise<RunningConsumer> {
    const router = new EventRouter(handlers);
    const js = this.nats.jetstream;
    const deadLetter: DeadLetterPublisher = async (subject, data, headers, msgId) => {
      await js.publish(subject, data, { headers, msgID: msgId });
    };
    const processor = new MessageProcessor({
      consumer: definition,
      router,
      recent: new RecentEventIds(opts.recentIdsCapacity ?? 10_000),
      deadLetter,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const consumer = await js.consumers.get(definition.stream, definition.durableName);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: opts.batchSize ?? 32 });
    const done = (async () => {
      for await (const msg of messages) {
        const outcome = await processor.process(msg);
        opts.onOutcome?.(outcome);
      }
    })().catch((error: unknown) => {
      this.logger.error(`consumer ${definition.durableName} stopped: ${(error as Error).message}`);
    });
    const running: RunningConsumer = {
      durableName: definition.durableName,
      done,
      stop: async () => {
        messages.stop();
        await done;
        this.running.delete(running);
      },
    };
    this.running.add(running);
    return running;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopAll();
  }
}
