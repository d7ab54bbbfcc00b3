import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/**
 * Listens to telephony's call facts (core NATS: the same messages JetStream stores) to check that the
 * platform never says a call was both answered and abandoned, and agrees with what the callers lived.
 */
export class CallFactsWatch {
  private readonly verbs = new Map<string, Set<string>>();
  private constructor(
    private readonly connection: NatsConnection,
    private readonly subscription: Subscription,
  ) {}

  static async start(natsUrl: string): Promise<CallFactsWatch> {
    const connection = await connect({ servers: natsUrl, name: 'world-facts-watch' });
    const subscription = connection.subscribe('cc.*.telephony.call.*');
    const watch = new CallFactsWatch(connection, subscription);
    void (async () => {
      for await (const message of subscription) {
        const verb = message.subject.split('.').at(-1) ?? '';
        if (verb !== 'answered' && verb !== 'abandoned') continue;
        try {
          const envelope = message.json<{ payload?: { callId?: string } }>();
          const callId = envelope.payload?.callId;
          if (!callId) continue;
          const set = watch.verbs.get(callId) ?? new Set<string>();
          set.add(verb);
          watch.verbs.set(callId, set);
        } catch {
          // not an envelope: not ours to judge
        }
      }
    })();
    return watch;
  }

  verbsOf(callId: string): ReadonlySet<string> {
    return this.verbs.get(callId) ?? new Set();
  }

  /** Calls with both an answered and an abandoned fact. */
  answeredAndAbandoned(): string[] {
    return [...this.verbs].filter(([, v]) => v.has('answered') && v.has('abandoned')).map(([id]) => id);
  }

  async stop(): Promise<void> {
    this.subscription.unsubscribe();
    await this.connection.drain();
  }
}
