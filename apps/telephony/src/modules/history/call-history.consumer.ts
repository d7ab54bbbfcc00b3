import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CallEnded, domainStreamName, RecordingReady, type EventEnvelope } from '@cc/contracts';
import {
  APP_CONFIG,
  EventConsumerService,
  onEvent,
  prismaExecutor,
  runOnce,
  TenantContext,
  type ConsumerDefinition,
} from '@cc/platform';
import type { TelephonyConfig } from '../../config/telephony.config';
import { TelephonyDatabase, type TelephonyTx } from '../../infrastructure/telephony-database';
import { CallHistoryRepository } from './call-history.repository';

export const CALL_HISTORY_INBOX = 'telephony-call-history';
export const CALL_HISTORY_OPTIONS = Symbol('CALL_HISTORY_OPTIONS');

export interface CallHistoryOptions {
  /** Tests: streams restricted to these tenants get one durable per tenant. */
  tenants?: string[];
}

/**
 * The durables reading this service's own call facts into the history: `cc.*.telephony.>` (one
 * filter subject per consumer; other fact types are acknowledged and skipped), or one per tenant
 * where the stream holds only some tenants' subjects (test suites sharing one NATS).
 */
export function callHistoryConsumerDefinitions(
  prefix: string,
  tenants?: readonly string[],
): ConsumerDefinition[] {
  return (tenants ?? ['*']).map((tenant, i) => ({
    stream: domainStreamName('telephony', prefix),
    durableName: `${CALL_HISTORY_INBOX}${tenants ? `-${i}` : ''}`,
    filterSubjects: [`cc.${tenant}.telephony.>`],
    ackWaitMs: 30_000,
    maxDeliver: 10,
    backoffMs: [1_000, 5_000, 30_000],
    maxAckPending: 256,
    deliverPolicy: 'all' as const,
    deadLetterStream: `${prefix}CC_DLQ`,
  }));
}

/**
 * Keeps the call history and the recordings index: each call.ended and recording.ready fact is
 * written once (inbox row and record in one tenant transaction; the kit acks after the commit).
 */
@Injectable()
export class CallHistoryConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('CallHistory');

  constructor(
    private readonly consumers: EventConsumerService,
    private readonly database: TelephonyDatabase,
    private readonly history: CallHistoryRepository,
    @Inject(APP_CONFIG) private readonly config: TelephonyConfig,
    @Inject(CALL_HISTORY_OPTIONS) private readonly options: CallHistoryOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of callHistoryConsumerDefinitions(
      this.config.NATS_STREAM_PREFIX,
      this.options.tenants,
    )) {
      await this.consumers.consume(definition, [
        onEvent(CallEnded, (envelope) => this.once(envelope, (tx) => this.history.saveEnded(tx, envelope))),
        onEvent(RecordingReady, (envelope) =>
          this.once(envelope, (tx) => this.history.saveRecording(tx, envelope)),
        ),
      ]);
      this.logger.log(`consuming ${definition.stream} as ${definition.durableName}`);
    }
  }

  private async once(envelope: EventEnvelope, write: (tx: TelephonyTx) => Promise<void>): Promise<void> {
    await TenantContext.run({ tenantId: envelope.tenantId }, () =>
      this.database.db.tenant((tx) =>
        runOnce(prismaExecutor(tx), { consumer: CALL_HISTORY_INBOX, eventId: envelope.id }, () => write(tx)),
      ),
    );
  }
}
