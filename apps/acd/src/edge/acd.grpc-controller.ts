import { Controller, Inject } from '@nestjs/common';
import { AcdV1, fromTimestamp } from '@cc/contracts';
import {
  AppError,
  ErrorKind,
  NatsConnectionService,
  OperatorScope,
  parseRequest,
  TenantContext,
} from '@cc/platform';
import { Observable, from, switchMap, timer } from 'rxjs';
import { ConfigurationRepository } from '../modules/configuration/configuration.repository';
import type { AgentStatusView } from '../modules/router/router.core';
import { type AssignmentEvent, RouterHost } from '../modules/service/router-host.service';
import {
  agentsForAbandonRate,
  agentsForServiceLevel,
  type StaffingEstimate,
} from '../modules/staffing/staffing.solver';
import {
  agentStatusToProto,
  agentToProto,
  queueToProto,
  assignmentToProto,
  queueRulesOf,
  queueStatsToProto,
  revokedToProto,
} from './acd.mapper';
import * as S from './acd.schemas';

const decoder = new TextDecoder();
const DEFAULT_STATS_INTERVAL_S = 5;

function windowOf(window: number): 'last15m' | 'today' {
  return window === (AcdV1.StatsWindow.STATS_WINDOW_TODAY as number) ? 'today' : 'last15m';
}

/**
 * The acd contract over gRPC. Validates every request at the edge, takes the tenant from the
 * TenantContext the kit's interceptor filled (OperatorScope where the contract says), and hands
 * the work to the router (this replica or the lease holder).
 */
@Controller()
@AcdV1.AcdServiceControllerMethods()
export class AcdGrpcController implements AcdV1.AcdServiceController {
  constructor(
    @Inject(RouterHost) private readonly router: RouterHost,
    @Inject(ConfigurationRepository) private readonly repository: ConfigurationRepository,
    @Inject(NatsConnectionService) private readonly nats: NatsConnectionService,
  ) {}

  // ------------------------------------------------------------------ calls

  async enqueueCall(request: AcdV1.EnqueueCallRequest): Promise<AcdV1.EnqueueCallResponse> {
    const r = parseRequest(S.EnqueueCallSchema, request);
    const tenantId = TenantContext.require();
    const arrivedAt = r.arrivedAt ? fromTimestamp(r.arrivedAt).getTime() : undefined;
    return this.router.execute<'enqueue'>({
      op: 'enqueue',
      tenantId,
      request: {
        callId: r.callId,
        queueId: r.queueId,
        skills: r.requiredSkills,
        priority: r.priority,
        vip: r.valueTier === (4 as number),
        nodeId: r.telephonyNodeId,
        ...(r.caller?.e164 ? { caller: { e164: r.caller.e164 } } : {}),
        ...(arrivedAt !== undefined && arrivedAt > 0 ? { arrivedAt } : {}),
      },
    });
  }

  async cancelCall(request: AcdV1.CancelCallRequest): Promise<AcdV1.CancelCallResponse> {
    const r = parseRequest(S.CancelCallSchema, request);
    const tenantId = TenantContext.require();
    const abandoned = r.reason === (AcdV1.CancelReason.CANCEL_REASON_CALLER_HANGUP as number);
    return this.router.execute<'cancel'>({
      op: 'cancel',
      tenantId,
      callId: r.callId,
      reason: abandoned ? 'abandoned' : 'cancelled',
    });
  }

  // ------------------------------------------------------------------ agents (operator scope)

  @OperatorScope()
  async setAgentState(request: AcdV1.SetAgentStateRequest): Promise<AcdV1.SetAgentStateResponse> {
    const r = parseRequest(S.SetAgentStateSchema, request);
    const tenantId = this.servingTenant(r.agentId);
    const state =
      r.state === AcdV1.AgentState.AGENT_STATE_AVAILABLE
        ? 'available'
        : r.state === AcdV1.AgentState.AGENT_STATE_NOT_READY
          ? 'not_ready'
          : 'logged_out';
    const view = await this.router.execute<'setAgentState'>({
      op: 'setAgentState',
      agentId: r.agentId,
      state,
      reason: r.reasonCode || undefined,
      expectedVersion: r.expectedVersion,
    });
    return { status: agentStatusToProto(view, tenantId) };
  }

  @OperatorScope()
  async getAgentState(request: AcdV1.GetAgentStateRequest): Promise<AcdV1.GetAgentStateResponse> {
    const r = parseRequest(S.GetAgentStateSchema, request);
    const tenantId = this.servingTenant(r.agentId);
    const view = await this.router.execute<'agentStatus'>({ op: 'agentStatus', agentId: r.agentId });
    return { status: agentStatusToProto(view, tenantId) };
  }

  // ------------------------------------------------------------------ statistics

  async getQueueStats(request: AcdV1.GetQueueStatsRequest): Promise<AcdV1.GetQueueStatsResponse> {
    const r = parseRequest(S.GetQueueStatsSchema, request);
    return this.queueStats(TenantContext.require(), r.queueIds, r.window);
  }

  watchQueueStats(request: AcdV1.WatchQueueStatsRequest): Observable<AcdV1.WatchQueueStatsResponse> {
    const r = parseRequest(S.WatchQueueStatsSchema, request);
    const tenantId = TenantContext.require();
    const every = (r.intervalSeconds || DEFAULT_STATS_INTERVAL_S) * 1000;
    return timer(0, every).pipe(switchMap(() => from(this.queueStats(tenantId, r.queueIds, r.window))));
  }

  private async queueStats(
    tenantId: string,
    queueIds: readonly string[],
    window: number,
  ): Promise<AcdV1.GetQueueStatsResponse> {
    const views = await this.router.execute<'queueStats'>({
      op: 'queueStats',
      tenantId,
      queueIds,
      window: windowOf(window),
    });
    const now = Date.now();
    const protoWindow =
      window === 0 ? AcdV1.StatsWindow.STATS_WINDOW_LAST_15_MINUTES : (window as AcdV1.StatsWindow);
    return { queues: views.map((v) => queueStatsToProto(v, protoWindow, now)) };
  }

  // ------------------------------------------------------------------ assignments

  /**
   * The node's assignments: live ones from the router (NATS subject of the node, whichever replica
   * routes), after the offers still pending for it (a re-opened watch gets them again). Telephony
   * de-duplicates by assignment id; this stream already drops the copies it has sent.
   */
  @OperatorScope()
  watchAssignments(request: AcdV1.WatchAssignmentsRequest): Observable<AcdV1.WatchAssignmentsResponse> {
    const r = parseRequest(S.WatchAssignmentsSchema, request);
    return new Observable<AcdV1.WatchAssignmentsResponse>((subscriber) => {
      const sent = new Set<string>();
      const emit = (event: AssignmentEvent): void => {
        if ('assignment' in event) {
          if (sent.has(event.assignment.assignmentId)) return;
          if (sent.size > 10_000) sent.clear();
          sent.add(event.assignment.assignmentId);
          subscriber.next({ assignment: assignmentToProto(event.assignment) });
        } else {
          subscriber.next({ revoked: revokedToProto(event.revoked) });
        }
      };
      const subscription = this.nats.connection.subscribe(
        this.router.subjects.assignments(r.telephonyNodeId),
        {
          callback: (error, msg) => {
            if (error) {
              subscriber.error(
                new AppError(ErrorKind.Unavailable, 'assignment feed lost: re-open the watch'),
              );
              return;
            }
            emit(JSON.parse(decoder.decode(msg.data)) as AssignmentEvent);
          },
        },
      );
      void this.router
        .execute<'pendingAssignments'>({ op: 'pendingAssignments', nodeId: r.telephonyNodeId })
        .then((pending) => pending.forEach((assignment) => emit({ assignment })))
        // No router right now: the next one re-sends every pending offer when it takes over.
        .catch(() => undefined);
      return () => subscription.unsubscribe();
    });
  }

  async acknowledgeAssignment(
    request: AcdV1.AcknowledgeAssignmentRequest,
  ): Promise<AcdV1.AcknowledgeAssignmentResponse> {
    const r = parseRequest(S.AcknowledgeAssignmentSchema, request);
    const tenantId = TenantContext.require();
    const view = await this.router.execute<'acknowledge'>({ op: 'acknowledge', tenantId, ref: r });
    return { agent: this.status(view, tenantId) };
  }

  async rejectAssignment(request: AcdV1.RejectAssignmentRequest): Promise<AcdV1.RejectAssignmentResponse> {
    const r = parseRequest(S.RejectAssignmentSchema, request);
    const tenantId = TenantContext.require();
    const busy = r.reason === (AcdV1.RejectReason.REJECT_REASON_BUSY as number);
    const result = await this.router.execute<'reject'>({
      op: 'reject',
      tenantId,
      ref: { callId: r.callId, agentId: r.agentId, fencingToken: r.fencingToken },
      result: busy ? 'busy' : 'no_answer',
    });
    return { requeued: result.requeued, agent: this.status(result.agent, tenantId) };
  }

  async startWrapUp(request: AcdV1.StartWrapUpRequest): Promise<AcdV1.StartWrapUpResponse> {
    const r = parseRequest(S.StartWrapUpSchema, request);
    const tenantId = TenantContext.require();
    const result = await this.router.execute<'startWrapUp'>({
      op: 'startWrapUp',
      tenantId,
      ref: { callId: r.callId, agentId: r.agentId, fencingToken: r.fencingToken },
    });
    return {
      wrapUpUntil: {
        seconds: Math.floor(result.wrapUpUntil / 1000),
        nanos: (result.wrapUpUntil % 1000) * 1e6,
      },
      agent: this.status(result.agent, tenantId),
    };
  }

  async completeCall(request: AcdV1.CompleteCallRequest): Promise<AcdV1.CompleteCallResponse> {
    const r = parseRequest(S.CompleteCallSchema, request);
    const tenantId = TenantContext.require();
    const view = await this.router.execute<'complete'>({
      op: 'complete',
      tenantId,
      ref: { callId: r.callId, agentId: r.agentId, fencingToken: r.fencingToken },
      next:
        r.nextState === AcdV1.AgentState.AGENT_STATE_NOT_READY
          ? { state: 'not_ready', reason: r.reasonCode }
          : { state: 'available' },
    });
    return { agent: this.status(view, tenantId) };
  }

  // ------------------------------------------------------------------ staffing

  estimateStaffing(request: AcdV1.EstimateStaffingRequest): AcdV1.EstimateStaffingResponse {
    const r = parseRequest(S.EstimateStaffingSchema, request);
    TenantContext.require();
    const base = {
      callsPerHour: r.callsPerHour,
      ahtSec: r.ahtSeconds,
      thresholdSec: r.serviceLevelThresholdSeconds,
    };
    try {
      const c = agentsForServiceLevel(base, r.targetServiceLevel);
      let chosen: StaffingEstimate = c;
      let agentsA = 0;
      if (r.patienceSeconds > 0) {
        const q = { ...base, patienceSec: r.patienceSeconds };
        const bySl = agentsForServiceLevel(q, r.targetServiceLevel);
        const byAbandon = r.maxAbandonmentRate > 0 ? agentsForAbandonRate(q, r.maxAbandonmentRate) : bySl;
        chosen = byAbandon.agents > bySl.agents ? byAbandon : bySl;
        agentsA = chosen.agents;
      }
      const m = chosen.metrics;
      return {
        agentsErlangC: c.agents,
        agentsErlangA: agentsA,
        serviceLevel: m.serviceLevel,
        probabilityOfWaiting: m.pWait,
        asaSeconds: chosen.model === 'erlang_c' ? chosen.metrics.asaSec : chosen.metrics.asaServedSec,
        abandonmentRate: chosen.model === 'erlang_a' ? chosen.metrics.abandonRate : 0,
        occupancy: m.occupancy,
      };
    } catch (error) {
      if (error instanceof RangeError) {
        throw new AppError(ErrorKind.InvalidArgument, error.message, { code: 'acd.staffing_out_of_range' });
      }
      throw error;
    }
  }

  // ------------------------------------------------------------------ admin

  async upsertTenantSettings(
    request: AcdV1.UpsertTenantSettingsRequest,
  ): Promise<AcdV1.UpsertTenantSettingsResponse> {
    const r = parseRequest(S.UpsertTenantSettingsSchema, request);
    const tenantId = await this.repository.upsertTenantSettings({
      timeZone: r.timeZone,
      weight: r.weight === 0 ? 1 : r.weight,
      holidays: r.holidays,
    });
    await this.router.configurationChanged({ kind: 'tenant', tenantId });
    return {};
  }

  async upsertSkill(request: AcdV1.UpsertSkillRequest): Promise<AcdV1.UpsertSkillResponse> {
    const r = parseRequest(S.UpsertSkillSchema, request);
    // Skills are names for the engine's skill ids: nothing to apply to the running router.
    await this.repository.upsertSkill(r.skillId, r.name);
    return {};
  }

  async upsertQueue(request: AcdV1.UpsertQueueRequest): Promise<AcdV1.UpsertQueueResponse> {
    const { queue } = parseRequest(S.UpsertQueueSchema, request);
    const { tenantId, version } = await this.repository.upsertQueue({
      queueId: queue.queueId,
      name: queue.name,
      priority: queue.priority,
      rules: queueRulesOf(queue),
    });
    await this.router.configurationChanged({ kind: 'queue', tenantId, queueId: queue.queueId });
    return { version };
  }

  @OperatorScope()
  async upsertAgent(request: AcdV1.UpsertAgentRequest): Promise<AcdV1.UpsertAgentResponse> {
    const r = parseRequest(S.UpsertAgentSchema, request);
    await this.repository.upsertAgent(r);
    await this.router.configurationChanged({ kind: 'agent', agentId: r.agentId });
    return {};
  }

  async setAgentProfile(request: AcdV1.SetAgentProfileRequest): Promise<AcdV1.SetAgentProfileResponse> {
    const r = parseRequest(S.SetAgentProfileSchema, request);
    const skills: Record<string, number> = {};
    for (const s of r.skills) skills[s.skillId] = s.level;
    await this.repository.setAgentProfile(r.agentId, r.remove ? 'remove' : { skills, queueIds: r.queueIds });
    await this.router.configurationChanged({ kind: 'agent', agentId: r.agentId });
    return {};
  }

  // ------------------------------------------------------------------ admin reads

  async listQueues(request: AcdV1.ListQueuesRequest): Promise<AcdV1.ListQueuesResponse> {
    const r = parseRequest(S.ListQueuesSchema, request);
    TenantContext.require();
    return { queues: (await this.repository.listQueues(r.queueIds)).map(queueToProto) };
  }

  async listSkills(request: AcdV1.ListSkillsRequest): Promise<AcdV1.ListSkillsResponse> {
    parseRequest(S.ListSkillsSchema, request);
    TenantContext.require();
    return { skills: await this.repository.listSkills() };
  }

  @OperatorScope()
  async listAgents(request: AcdV1.ListAgentsRequest): Promise<AcdV1.ListAgentsResponse> {
    const r = parseRequest(S.ListAgentsSchema, request);
    const tenantId = TenantContext.current()?.tenantId;
    const agents = await this.repository.listAgents(tenantId, r.agentIds);
    const statuses = await Promise.all(
      agents.map((a) =>
        this.router.execute<'agentStatus'>({ op: 'agentStatus', agentId: a.agentId }).catch((error) => {
          // Written a moment ago and not yet applied by the router: listed without a state.
          if (error instanceof AppError && error.kind === ErrorKind.NotFound) return undefined;
          throw error;
        }),
      ),
    );
    return { agents: agents.map((a, i) => agentToProto(a, statuses[i], tenantId)) };
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The tenant acting on an operator-scoped agent RPC: none (the operator), or a tenant the agent
   * serves; an agent outside the calling tenant does not exist for it.
   */
  private servingTenant(agentId: string): string | undefined {
    const tenantId = TenantContext.current()?.tenantId;
    if (tenantId === undefined) return undefined;
    const agent = this.router.configuration.agent(agentId);
    if (!agent?.profiles.some((p) => p.tenantId === tenantId)) throw AppError.notFound('agent', agentId);
    return tenantId;
  }

  private status(view: AgentStatusView, tenantId: string): AcdV1.AgentStatus {
    return agentStatusToProto(view, tenantId);
  }
}
