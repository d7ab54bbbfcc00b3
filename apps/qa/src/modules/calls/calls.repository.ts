import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import type { CallEnded, CallQueued, PayloadOf, RecordingReady } from '@cc/contracts';
import type { Call } from '../../generated/prisma/client';
import type { QaTx } from '../../infrastructure/qa-database';
import type { CallFacts, CheckResult } from '../auto-checks/auto-check.model';

export type CallRow = Call;

/** The facts of a stored call as the automatic checks read them. */
export function callFacts(row: CallRow): CallFacts {
  return {
    answered: row.answeredAt !== null && row.agentId !== null,
    direction: row.direction === 'outbound' ? 'outbound' : 'inbound',
    waitMs: row.waitMs ?? 0,
    talkMs: row.talkMs ?? 0,
    holdMs: row.holdMs ?? 0,
    holdCount: row.holdCount ?? 0,
    transferCount: row.transferCount ?? 0,
    disposition: row.disposition,
    recordingId: row.recordingId,
    consentPlayed: row.consentPlayed,
  };
}

/**
 * Calls as telephony's facts describe them. Each fact fills its own columns, in whatever order the
 * facts arrive (recording.ready may come before or after call.ended).
 */
@Injectable()
export class CallsRepository {
  async recordEnded(tx: QaTx, tenantId: string, p: PayloadOf<typeof CallEnded>): Promise<CallRow> {
    const data = {
      direction: p.direction,
      agentId: p.agentId ?? null,
      queueId: p.queueId ?? null,
      customerId: p.customerId ?? null,
      fromNumber: p.from,
      toNumber: p.to,
      startedAt: new Date(p.startedAt),
      answeredAt: p.answeredAt ? new Date(p.answeredAt) : null,
      endedAt: new Date(p.endedAt),
      waitMs: p.waitMs,
      talkMs: p.talkMs,
      holdMs: p.holdMs,
      holdCount: p.holdCount,
      transferCount: p.transferCount,
      hangupBy: p.hangupBy,
      disposition: p.disposition ?? null,
      ...(p.recordingId ? { recordingId: p.recordingId } : {}),
    };
    return tx.call.upsert({
      where: { tenantId_callId: { tenantId, callId: p.callId } },
      create: { tenantId, callId: p.callId, ...data },
      update: data,
    });
  }

  async recordQueued(tx: QaTx, tenantId: string, p: PayloadOf<typeof CallQueued>): Promise<void> {
    const data = {
      direction: p.direction,
      queueId: p.queueId,
      ...(p.customerId ? { customerId: p.customerId } : {}),
      ...(p.valueTier !== undefined ? { valueTier: p.valueTier } : {}),
    };
    await tx.call.upsert({
      where: { tenantId_callId: { tenantId, callId: p.callId } },
      create: { tenantId, callId: p.callId, ...data },
      update: data,
    });
  }

  async recordRecording(tx: QaTx, tenantId: string, p: PayloadOf<typeof RecordingReady>): Promise<CallRow> {
    const data = { recordingId: p.recordingId, consentPlayed: p.consentPlayed };
    return tx.call.upsert({
      where: { tenantId_callId: { tenantId, callId: p.callId } },
      create: { tenantId, callId: p.callId, ...data },
      update: data,
    });
  }

  async saveChecks(
    tx: QaTx,
    tenantId: string,
    callId: string,
    checks: CheckResult[],
    failed: number,
    sampled: boolean,
  ): Promise<void> {
    await tx.call.update({
      where: { tenantId_callId: { tenantId, callId } },
      data: { checks: checks as unknown as Prisma.InputJsonValue, failedChecks: failed, sampled },
    });
  }

  async get(tx: QaTx, tenantId: string, callId: string): Promise<CallRow | null> {
    return tx.call.findUnique({ where: { tenantId_callId: { tenantId, callId } } });
  }
}
