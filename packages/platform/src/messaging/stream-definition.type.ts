import { SUBJECT_ROOT, domainStreamName, isTenantId, subjectFilters } from '@cc/contracts';
import { DEAD_LETTER_ROOT } from './messaging.constant';

/**
 * A JetStream stream declared in code; `ensureStreams()` creates or updates it at start-up.
 * Durations are in milliseconds here and converted to the server's nanoseconds in one place.
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  /** Oldest message kept; facts are replayable for this long. */
  maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` (our envelope id) is dropped as a duplicate. */
  duplicateWindowMs: number;
  /** -1 for no limit. */
  maxBytes?: number;
  /** -1 for no limit. */
  maxMsgs?: number;
  /** 1 on a single server, 3 on a cluster: comes from config, never hard-coded per service. */
  replicas: number;
  storage?: 'file' | 'memory';
}

/** A durable pull consumer declared in code. */
export interface ConsumerDefinition {
  stream: string;
  durableName: string;
  /** Subjects this consumer receives; more than one needs nats-server >= 2.10. */
  filterSubjects: string[];
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs: number;
  /** Deliveries (first one included) before the message is dead-lettered. */
  maxDeliver: number;
  /**
   * Delays before each redelivery (also used for our own `nak` delays). When set, the server uses
   * it instead of `ackWaitMs` for unacknowledged messages, and requires `maxDeliver > backoffMs.length`.
   */
  backoffMs?: number[];
  /** Messages handed out but not yet acknowledged, across all instances of the service. */
  maxAckPending?: number;
  /** Where a new consumer starts; existing durables keep their position. */
  deliverPolicy?: 'all' | 'new';
  /** The stream that receives this consumer's dead letters (`dlq.<original subject>`). */
  deadLetterStream: string;
}

export interface DomainStreamOptions {
  /**
   * Prefix of the stream NAME only (never of subjects): tests use a unique one so their streams
   * are theirs to create and delete.
   */
  prefix?: string;
  /**
   * Restrict the stream to these tenants' subjects (`cc.<tenant>.<domain>.>`) instead of every
   * tenant (`cc.*.<domain>.>`). JetStream refuses two streams with overlapping subjects, so a test
   * suite that uses its own unique tenant ids can own a stream beside the real one.
   */
  tenants?: string[];
  replicas?: number;
  maxAgeMs?: number;
  duplicateWindowMs?: number;
  maxBytes?: number;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
export const DEFAULT_FACT_MAX_AGE_MS = 7 * 24 * 3_600_000;
export const DEFAULT_DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 3_600_000;

function checkedTenant(tenantId: string): string {
  if (!isTenantId(tenantId)) throw new Error(`${JSON.stringify(tenantId)} is not a valid tenant id`);
  return tenantId;
}

/** One stream per domain, named by `domainStreamName` from contracts. */
export function domainStream(domain: string, opts: DomainStreamOptions = {}): StreamDefinition {
  const subjects = opts.tenants
    ? opts.tenants.map((tenantId) => `${SUBJECT_ROOT}.${checkedTenant(tenantId)}.${domain}.>`)
    : [subjectFilters.domain(domain)];
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_FACT_MAX_AGE_MS;
  return {
    name: domainStreamName(domain, opts.prefix),
    subjects,
    maxAgeMs,
    // The server refuses a duplicate window longer than the max age.
    duplicateWindowMs: Math.min(opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, maxAgeMs),
    maxBytes: opts.maxBytes ?? -1,
    replicas: opts.replicas ?? 1,
  };
}

/** The dead-letter stream: `dlq.cc.>` (or only the given tenants' dead letters, for tests). */
export function deadLetterStream(opts: DomainStreamOptions = {}): StreamDefinition {
  const subjects = opts.tenants
    ? opts.tenants.map((tenantId) => `${DEAD_LETTER_ROOT}.${subjectFilters.tenant(checkedTenant(tenantId))}`)
    : [`${DEAD_LETTER_ROOT}.${SUBJECT_ROOT}.>`];
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_DEAD_LETTER_MAX_AGE_MS;
  return {
    name: `${opts.prefix ?? ''}${SUBJECT_ROOT.toUpperCase()}_DLQ`,
    subjects,
    maxAgeMs,
    duplicateWindowMs: Math.min(opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, maxAgeMs),
    maxBytes: opts.maxBytes ?? -1,
    replicas: opts.replicas ?? 1,
  };
}

/** Fails fast on definitions the server would refuse with a less helpful message. */
export function validateConsumerDefinition(def: ConsumerDefinition): void {
  if (!/^[A-Za-z0-9_-]+$/.test(def.durableName)) {
    throw new Error(`consumer durable name "${def.durableName}" may hold only letters, digits, "_" and "-"`);
  }
  if (def.filterSubjects.length === 0) throw new Error(`consumer ${def.durableName} needs a filter subject`);
  if (def.maxDeliver < 1) throw new Error(`consumer ${def.durableName}: maxDeliver must be >= 1`);
  if (def.backoffMs && def.backoffMs.length > 0 && def.maxDeliver <= def.backoffMs.length) {
    throw new Error(
      `consumer ${def.durableName}: maxDeliver (${def.maxDeliver}) must exceed the number of back-off steps (${def.backoffMs.length})`,
    );
  }
}
