import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { NatsConnectionService } from './nats-connection.service';
import type { ConsumerDefinition, StreamDefinition } from './stream-definition.type';
import { ensureStreams } from './stream-setup.util';

export const MESSAGING_TOPOLOGY = Symbol('MESSAGING_TOPOLOGY');

/** The streams and consumers a service declares; created or updated at start-up. */
export interface MessagingTopology {
  streams?: StreamDefinition[];
  consumers?: ConsumerDefinition[];
}

/** Connects and declares the topology before the application starts listening. */
@Injectable()
export class MessagingSetupService implements OnModuleInit {
  constructor(
    private readonly nats: NatsConnectionService,
    @Inject(MESSAGING_TOPOLOGY) private readonly topology: MessagingTopology,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.nats.connect();
    const { streams = [], consumers = [] } = this.topology;
    if (streams.length > 0 || consumers.length > 0) {
      await ensureStreams(await this.nats.jetstreamManager(), streams, consumers);
    }
  }
}
