import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import {
  validateConsumerDefinition,
  type ConsumerDefinition,
  type StreamDefinition,
} from './stream-definition.type';

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** The server's stream configuration for a definition (durations in nanoseconds). */
export function toStreamConfig(def: StreamDefinition): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    subjects: def.subjects,
    retention: RetentionPolicy.Limits,
    storage: def.storage === 'memory' ? StorageType.Memory : StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(def.maxAgeMs),
    duplicate_window: nanos(def.duplicateWindowMs),
    max_bytes: def.maxBytes ?? -1,
    max_msgs: def.maxMsgs ?? -1,
    num_replicas: def.replicas,
  };
}

/** The fields a durable consumer may change in place (the others need a new durable). */
function consumerUpdatableConfig(def: ConsumerDefinition): Partial<ConsumerConfig> {
  return {
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    backoff: def.backoffMs && def.backoffMs.length > 0 ? def.backoffMs.map((ms) => nanos(ms)) : undefined,
    max_ack_pending: def.maxAckPending ?? 256,
    // A single filter works on every server; `filter_subjects` needs nats-server >= 2.10.
    ...(def.filterSubjects.length === 1
      ? { filter_subject: def.filterSubjects[0] }
      : { filter_subjects: def.filterSubjects }),
  };
}

export function toConsumerConfig(def: ConsumerDefinition): Partial<ConsumerConfig> {
  validateConsumerDefinition(def);
  return {
    durable_name: def.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: def.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    ...consumerUpdatableConfig(def),
  };
}

/** Creates the stream, or updates it in place when it exists (idempotent). */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition): Promise<StreamInfo> {
  const config = toStreamConfig(def);
  try {
    await jsm.streams.info(def.name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
    return jsm.streams.add(config);
  }
  const { name, ...update } = config;
  return jsm.streams.update(name, update);
}

/** Creates the durable consumer, or updates its changeable settings in place (idempotent). */
export async function ensureConsumer(jsm: JetStreamManager, def: ConsumerDefinition): Promise<ConsumerInfo> {
  const config = toConsumerConfig(def);
  try {
    await jsm.consumers.info(def.stream, def.durableName);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    return jsm.consumers.add(def.stream, config);
  }
  return jsm.consumers.update(def.stream, def.durableName, consumerUpdatableConfig(def));
}

/**
 * Declares every stream, then every consumer, at start-up. Safe to run on every replica at once:
 * create races end in "already in use", which we answer by updating.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  streams: readonly StreamDefinition[],
  consumers: readonly ConsumerDefinition[] = [],
): Promise<void> {
  for (const stream of streams) {
    await retryOnceOnRace(() => ensureStream(jsm, stream)).catch(async (error: unknown) => {
      throw await explainOverlap(jsm, stream, error);
    });
  }
  for (const consumer of consumers) await retryOnceOnRace(() => ensureConsumer(jsm, consumer));
}

async function retryOnceOnRace<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof JetStreamApiError && /already in use|already exists/i.test(error.message))
      return step();
    throw error;
  }
}

/**
 * JetStream refuses a stream whose subjects overlap another's, with a message that names neither.
 * Name the streams in the way, so an operator knows what to delete or which prefix to set.
 */
async function explainOverlap(
  jsm: JetStreamManager,
  stream: StreamDefinition,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof JetStreamApiError) || !/subjects overlap/i.test(error.message)) return error;
  const others: string[] = [];
  try {
    for await (const info of jsm.streams.list()) {
      if (info.config.name !== stream.name)
        others.push(`${info.config.name} [${info.config.subjects.join(', ')}]`);
    }
  } catch {
    // Listing is best effort; the original error still says what happened.
  }
  return new Error(
    `stream ${stream.name} [${stream.subjects.join(', ')}] overlaps the subjects of an existing stream ` +
      `(${others.join('; ') || 'unknown'}): delete the stale one (e.g. left by an interrupted test or benchmark) ` +
      `or run this stack on its own NATS`,
    { cause: error },
  );
}
