import type { CheckResult } from '../auto-checks/auto-check.model';
import type { CallRow } from './calls.repository';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A call as the API shows it: its timeline, its parties, its checks; the recording by id only. */
export function callView(row: CallRow) {
  return {
    callId: row.callId,
    direction: row.direction,
    agentId: row.agentId,
    queueId: row.queueId,
    customerId: row.customerId,
    from: row.fromNumber,
    to: row.toNumber,
    timeline: {
      startedAt: iso(row.startedAt),
      answeredAt: iso(row.answeredAt),
      endedAt: iso(row.endedAt),
      waitMs: row.waitMs,
      talkMs: row.talkMs,
      holdMs: row.holdMs,
      holdCount: row.holdCount,
      transferCount: row.transferCount,
      hangupBy: row.hangupBy,
    },
    disposition: row.disposition,
    valueTier: row.valueTier,
    recording: row.recordingId ? { recordingId: row.recordingId, consentPlayed: row.consentPlayed } : null,
    checks: (row.checks as CheckResult[] | null) ?? [],
    failedChecks: row.failedChecks,
  };
}
