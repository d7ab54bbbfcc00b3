import { Injectable } from '@nestjs/common';
import type { CallEnded, CallQueued, PayloadOf, RecordingReady } from '@cc/contracts';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';
import type { QaTx } from '../../infrastructure/qa-database';
import type { CheckResult } from '../auto-checks/auto-check.model';
import { failedChecks, runAutoChecks } from '../auto-checks/auto-checks.util';
import { chooseAnalyst, decideSampling, type SamplingReason, stratumKey } from '../sampling/sampling.util';
import type { QaSettings } from '../settings/qa-settings.model';
import { QaSettingsRepository } from '../settings/qa-settings.repository';
import { WorkItemsRepository } from '../work-items/work-items.repository';
import { callFacts, type CallRow, CallsRepository } from './calls.repository';

export interface CallFactOutcome {
  callId: string;
  failedChecks: number;
  /** The checks as scored now (empty when the call has not ended yet). */
  checks: CheckResult[];
  /** Reasons of the work item created or extended by this fact; empty when none. */
  sampledFor: SamplingReason[];
}

/**
 * Applies telephony's facts to qa's view of a call, inside the consumer's transaction: scores the
 * automatic checks whenever the call's facts change, and puts the call through sampling once,
 * when it ended. A failure that appears later (recording.ready without consent) still sends the
 * call to an analyst when the tenant samples every failure.
 */
@Injectable()
export class CallFactsService {
  constructor(
    private readonly calls: CallsRepository,
    private readonly workItems: WorkItemsRepository,
    private readonly settings: QaSettingsRepository,
    private readonly clock: Clock,
  ) {}

  async callEnded(
    tx: QaTx,
    tenantId: string,
    payload: PayloadOf<typeof CallEnded>,
  ): Promise<CallFactOutcome> {
    const row = await this.calls.recordEnded(tx, tenantId, payload);
    return this.rescore(tx, tenantId, row);
  }

  async callQueued(tx: QaTx, tenantId: string, payload: PayloadOf<typeof CallQueued>): Promise<void> {
    await this.calls.recordQueued(tx, tenantId, payload);
  }

  async recordingReady(
    tx: QaTx,
    tenantId: string,
    payload: PayloadOf<typeof RecordingReady>,
  ): Promise<CallFactOutcome> {
    const row = await this.calls.recordRecording(tx, tenantId, payload);
    // Before call.ended there is nothing to score: call.ended will score it with the consent known.
    if (row.endedAt === null) return { callId: row.callId, failedChecks: 0, checks: [], sampledFor: [] };
    return this.rescore(tx, tenantId, row);
  }

  private async rescore(tx: QaTx, tenantId: string, row: CallRow): Promise<CallFactOutcome> {
    const settings = await this.settings.get(tx, tenantId);
    const checks = runAutoChecks(callFacts(row), settings.checkLimits);
    const failed = failedChecks(checks).length;
    let sampledFor: SamplingReason[] = [];
    if (row.agentId !== null && row.endedAt !== null) {
      sampledFor = row.sampled
        ? await this.lateFailure(tx, tenantId, { ...row, agentId: row.agentId }, failed, settings)
        : await this.sample(
            tx,
            tenantId,
            { ...row, agentId: row.agentId, endedAt: row.endedAt },
            failed,
            settings,
          );
    }
    await this.calls.saveChecks(
      tx,
      tenantId,
      row.callId,
      checks,
      failed,
      row.sampled || row.endedAt !== null,
    );
    return { callId: row.callId, failedChecks: failed, checks, sampledFor };
  }

  private async sample(
    tx: QaTx,
    tenantId: string,
    row: CallRow & { agentId: string; endedAt: Date },
    failed: number,
    settings: QaSettings,
  ): Promise<SamplingReason[]> {
    const firstCallAt = await this.workItems.touchAgent(tx, tenantId, row.agentId, row.endedAt);
    const { week } = stratumKey(row.agentId, row.endedAt, settings.timeZone);
    const counter = await this.workItems.countStratumCall(tx, tenantId, row.agentId, week);
    const decision = decideSampling({
      tenantId,
      call: {
        callId: row.callId,
        agentId: row.agentId,
        endedAt: row.endedAt,
        failedChecks: failed,
        valueTier: row.valueTier,
        customerId: row.customerId,
      },
      counter,
      week,
      agentFirstCallAt: firstCallAt,
      rules: settings.samplingRules,
      seed: settings.samplingSeed,
    });
    if (decision.counter.picked > counter.picked) {
      await this.workItems.countStratumPick(tx, tenantId, row.agentId, week);
    }
    if (decision.reasons.length > 0) {
      await this.createWorkItem(tx, tenantId, row.callId, row.agentId, decision.reasons, settings);
    }
    return decision.reasons;
  }

  private async lateFailure(
    tx: QaTx,
    tenantId: string,
    row: CallRow & { agentId: string },
    failed: number,
    settings: QaSettings,
  ): Promise<SamplingReason[]> {
    if (failed === 0 || !settings.samplingRules.autoCheckFailures) return [];
    const existing = await this.workItems.findByCall(tx, tenantId, row.callId);
    if (!existing) {
      await this.createWorkItem(tx, tenantId, row.callId, row.agentId, ['auto_check_failure'], settings);
      return ['auto_check_failure'];
    }
    if (existing.reasons.includes('auto_check_failure')) return [];
    const reasons: SamplingReason[] = [...existing.reasons, 'auto_check_failure'];
    await this.workItems.setReasons(tx, tenantId, existing.id, reasons);
    return reasons;
  }

  private async createWorkItem(
    tx: QaTx,
    tenantId: string,
    callId: string,
    agentId: string,
    reasons: SamplingReason[],
    settings: QaSettings,
  ): Promise<void> {
    const open = await this.workItems.openCounts(tx, tenantId, settings.analystIds);
    const analystId = chooseAnalyst(
      settings.analystIds.map((id) => ({ analystId: id, openItems: open.get(id) ?? 0 })),
      { callId, agentId },
      settings.samplingSeed,
    );
    await this.workItems.insert(tx, tenantId, {
      id: newId('wi'),
      callId,
      agentId,
      analystId: analystId ?? null,
      reasons,
      status: 'open',
      evaluationId: null,
      createdAt: this.clock.now(),
    });
  }
}
