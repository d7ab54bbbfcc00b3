import { Injectable } from '@nestjs/common';
import { AppError, type TenantDb } from '@cc/platform';
import type { CallEnded, EventEnvelope, PayloadOf, RecordingReady } from '@cc/contracts';
import { TelephonyDatabase, type TelephonyTx } from '../../infrastructure/telephony-database';
import type { CallRecord, CallRecording, Prisma } from '../../generated/prisma/client';

export interface CallFilter {
  startedFrom?: Date;
  startedBefore?: Date;
  direction?: 'inbound' | 'outbound';
  queueId?: string;
  agentId?: string;
  customerId?: string;
  campaignId?: string;
  number?: string;
  recordedOnly?: boolean;
}

export type CallWithRecordings = CallRecord & { recordings: CallRecording[] };

/** Cursors are opaque: the position (started at, call id) of the last call of the page. */
export function encodeCallCursor(call: Pick<CallRecord, 'startedAt' | 'callId'>): string {
  return Buffer.from(JSON.stringify([call.startedAt.getTime(), call.callId]), 'utf8').toString('base64url');
}

export function decodeCallCursor(cursor: string): { startedAt: Date; callId: string } {
  try {
    const [at, callId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'number' && Number.isFinite(at) && typeof callId === 'string' && callId.length > 0)
      return { startedAt: new Date(at), callId };
  } catch {
    // Refused below.
  }
  throw AppError.invalid([
    { field: 'page.cursor', rule: 'cursor', message: 'is not a cursor this API returned' },
  ]);
}

/**
 * The call history and recordings index in Postgres, written from the call facts (one tenant
 * transaction each, with the consumer's inbox row) and read per tenant.
 */
@Injectable()
export class CallHistoryRepository {
  private readonly db: TenantDb<TelephonyTx>;

  constructor(database: TelephonyDatabase) {
    this.db = database.db;
  }

  /** Writes an ended call (a redelivered fact overwrites it with the same values). */
  async saveEnded(tx: TelephonyTx, envelope: EventEnvelope<PayloadOf<typeof CallEnded>>): Promise<void> {
    const p = envelope.payload;
    const data = {
      direction: p.direction,
      fromNumber: p.from,
      toNumber: p.to,
      queueId: p.queueId ?? null,
      agentId: p.agentId ?? null,
      customerId: p.customerId ?? null,
      campaignId: p.campaignId ?? null,
      startedAt: new Date(p.startedAt),
      answeredAt: p.answeredAt ? new Date(p.answeredAt) : null,
      endedAt: new Date(p.endedAt),
      waitMs: p.waitMs,
      ringMs: p.ringMs ?? null,
      talkMs: p.talkMs,
      holdMs: p.holdMs,
      hangupBy: p.hangupBy,
      hangupCause: p.hangupCause ?? null,
      disposition: p.disposition ?? null,
      recordingId: p.recordingId ?? null,
    };
    await tx.callRecord.upsert({
      where: { tenantId_callId: { tenantId: envelope.tenantId, callId: p.callId } },
      create: { tenantId: envelope.tenantId, callId: p.callId, ...data },
      update: data,
    });
  }

  async saveRecording(
    tx: TelephonyTx,
    envelope: EventEnvelope<PayloadOf<typeof RecordingReady>>,
  ): Promise<void> {
    const p = envelope.payload;
    const data = {
      callId: p.callId,
      durationMs: p.durationMs,
      format: p.format,
      consentPlayed: p.consentPlayed,
      createdAt: new Date(envelope.occurredAt),
    };
    await tx.callRecording.upsert({
      where: { tenantId_recordingId: { tenantId: envelope.tenantId, recordingId: p.recordingId } },
      create: { tenantId: envelope.tenantId, recordingId: p.recordingId, ...data },
      update: data,
    });
  }

  /** A page of the calling tenant's calls, newest first; `limit + 1` rows tell whether more follow. */
  list(filter: CallFilter, limit: number, cursor: string | undefined): Promise<CallWithRecordings[]> {
    const after = cursor ? decodeCallCursor(cursor) : undefined;
    return this.db.tenant(async (tx, tenantId) => {
      const where: Prisma.CallRecordWhereInput = {
        tenantId,
        ...(filter.startedFrom || filter.startedBefore
          ? {
              startedAt: {
                ...(filter.startedFrom ? { gte: filter.startedFrom } : {}),
                ...(filter.startedBefore ? { lt: filter.startedBefore } : {}),
              },
            }
          : {}),
        ...(filter.direction ? { direction: filter.direction } : {}),
        ...(filter.queueId ? { queueId: filter.queueId } : {}),
        ...(filter.agentId ? { agentId: filter.agentId } : {}),
        ...(filter.customerId ? { customerId: filter.customerId } : {}),
        ...(filter.campaignId ? { campaignId: filter.campaignId } : {}),
        ...(filter.number ? { OR: [{ fromNumber: filter.number }, { toNumber: filter.number }] } : {}),
        ...(filter.recordedOnly ? { recordingId: { not: null } } : {}),
      };
      const page: Prisma.CallRecordWhereInput = after
        ? {
            OR: [
              { startedAt: { lt: after.startedAt } },
              { startedAt: after.startedAt, callId: { lt: after.callId } },
            ],
          }
        : {};
      const calls = await tx.callRecord.findMany({
        where: { AND: [where, page] },
        orderBy: [{ startedAt: 'desc' }, { callId: 'desc' }],
        take: limit + 1,
      });
      return this.withRecordings(tx, tenantId, calls);
    });
  }

  get(callId: string): Promise<CallWithRecordings> {
    return this.db.tenant(async (tx, tenantId) => {
      const call = await tx.callRecord.findFirst({ where: { tenantId, callId } });
      if (!call) throw AppError.notFound('call', callId);
      const [found] = await this.withRecordings(tx, tenantId, [call]);
      return found!;
    });
  }

  /** A recording of the calling tenant (the index is what proves it is the tenant's). */
  async recording(recordingId: string): Promise<CallRecording> {
    const found = await this.db.tenant((tx, tenantId) =>
      tx.callRecording.findFirst({ where: { tenantId, recordingId } }),
    );
    if (!found) throw AppError.notFound('recording', recordingId);
    return found;
  }

  private async withRecordings(
    tx: TelephonyTx,
    tenantId: string,
    calls: CallRecord[],
  ): Promise<CallWithRecordings[]> {
    if (calls.length === 0) return [];
    const recordings = await tx.callRecording.findMany({
      where: { tenantId, callId: { in: calls.map((c) => c.callId) } },
      orderBy: { createdAt: 'asc' },
    });
    return calls.map((c) => ({ ...c, recordings: recordings.filter((r) => r.callId === c.callId) }));
  }
}
