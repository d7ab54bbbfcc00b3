import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TenantIdSchema } from '../common/ids';
import { violationsFromZod, type FieldViolation } from '../common/problem-details';
import { factSubject } from './subjects';

/**
 * A fact type: where it lives in the subject tree, its schema version and the zod schema of its payload.
 * Defined once here; publishers and consumers import the same object, never a copy.
 */
export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  readonly domain: string;
  readonly entity: string;
  readonly verb: string;
  readonly version: number;
  readonly payload: P;
  /** `<domain>.<entity>.<verb>`, the envelope's `type`. */
  readonly type: string;
}

export function defineEvent<P extends z.ZodType>(def: {
  domain: string;
  entity: string;
  verb: string;
  version: number;
  payload: P;
}): EventDefinition<P> {
  return { ...def, type: `${def.domain}.${def.entity}.${def.verb}` };
}

export const EnvelopeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'must be <domain>.<entity>.<verb>'),
  tenantId: TenantIdSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.number().int().positive(),
  payload: z.unknown(),
});

export interface EventEnvelope<P = unknown> {
  /** Unique per fact; consumers de-duplicate on it and JetStream uses it as the message id. */
  id: string;
  type: string;
  tenantId: string;
  /** ISO-8601 with offset, when it happened (not when it was published). */
  occurredAt: string;
  schemaVersion: number;
  payload: P;
}

export type PayloadOf<D> = D extends EventDefinition<infer P> ? z.infer<P> : never;

export class EnvelopeValidationError extends Error {
  constructor(
    readonly violations: FieldViolation[],
    readonly eventType?: string,
  ) {
    super(
      `invalid event${eventType ? ` ${eventType}` : ''}: ` +
        violations.map((v) => `${v.field}: ${v.message}`).join('; '),
    );
    this.name = 'EnvelopeValidationError';
  }
}

/** Builds a validated envelope for one fact. Throws EnvelopeValidationError on a bad payload. */
export function createEnvelope<D extends EventDefinition>(
  def: D,
  tenantId: string,
  payload: PayloadOf<D>,
  opts: { id?: string; occurredAt?: Date | string } = {},
): EventEnvelope<PayloadOf<D>> {
  const parsed = def.payload.safeParse(payload);
  if (!parsed.success)
    throw new EnvelopeValidationError(violationsFromZod(parsed.error, 'payload'), def.type);
  const occurredAt =
    opts.occurredAt === undefined
      ? new Date().toISOString()
      : typeof opts.occurredAt === 'string'
        ? opts.occurredAt
        : opts.occurredAt.toISOString();
  const envelope = {
    id: opts.id ?? randomUUID(),
    type: def.type,
    tenantId,
    occurredAt,
    schemaVersion: def.version,
    payload: parsed.data as PayloadOf<D>,
  };
  const check = EnvelopeSchema.safeParse(envelope);
  if (!check.success) throw new EnvelopeValidationError(violationsFromZod(check.error), def.type);
  return envelope;
}

/** The subject an envelope of this definition is published on. */
export function subjectOf(def: EventDefinition, tenantId: string): string {
  return factSubject({ tenantId, domain: def.domain, entity: def.entity, verb: def.verb });
}

/** Parses and validates raw JSON (as received from NATS) as an envelope of `def`. */
export function parseEnvelope<D extends EventDefinition>(def: D, raw: unknown): EventEnvelope<PayloadOf<D>> {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) throw new EnvelopeValidationError(violationsFromZod(env.error), def.type);
  if (env.data.type !== def.type) {
    throw new EnvelopeValidationError(
      [{ field: 'type', rule: 'equals', message: `expected ${def.type}, got ${env.data.type}` }],
      def.type,
    );
  }
  if (env.data.schemaVersion > def.version) {
    throw new EnvelopeValidationError(
      [
        {
          field: 'schemaVersion',
          rule: 'max',
          message: `version ${env.data.schemaVersion} is newer than ${def.version}`,
        },
      ],
      def.type,
    );
  }
  const payload = def.payload.safeParse(env.data.payload);
  if (!payload.success)
    throw new EnvelopeValidationError(violationsFromZod(payload.error, 'payload'), def.type);
  return { ...env.data, payload: payload.data as PayloadOf<D> };
}

/** Parses any envelope without knowing its type (for routers that dispatch by `type`). */
export function parseAnyEnvelope(raw: unknown): EventEnvelope {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) throw new EnvelopeValidationError(violationsFromZod(env.error));
  return env.data;
}
