import { Controller, Inject } from '@nestjs/common';
import { CommonV1, fromTimestamp, TelephonyV1, toTimestamp } from '@cc/contracts';
import { AppError, ErrorKind, parseRequest, TenantContext } from '@cc/platform';
import type { CallState, CallSnapshot, HangupSide } from '../modules/calls/call.types';
import { TelephonyEngineHost } from '../modules/calls/telephony-engine.provider';
import type { TelephonyEngine } from '../modules/calls/telephony.engine';
import { CallHistoryRepository, encodeCallCursor } from '../modules/history/call-history.repository';
import { callRecordToProto } from '../modules/history/call-record.mapper';
import * as S from './telephony.schemas';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

const STATE: Record<CallState, TelephonyV1.CallState> = {
  dialing: TelephonyV1.CallState.CALL_STATE_DIALING,
  closing: TelephonyV1.CallState.CALL_STATE_ENDED,
  ivr: TelephonyV1.CallState.CALL_STATE_IVR,
  queued: TelephonyV1.CallState.CALL_STATE_QUEUED,
  ringing: TelephonyV1.CallState.CALL_STATE_AGENT_RINGING,
  connected: TelephonyV1.CallState.CALL_STATE_CONNECTED,
  held: TelephonyV1.CallState.CALL_STATE_ON_HOLD,
  transferred: TelephonyV1.CallState.CALL_STATE_CONNECTED,
  ended: TelephonyV1.CallState.CALL_STATE_ENDED,
};

const DEFAULT_RING_SECONDS = 30;
/** The most a live answer may wait for an agent (the regulators' 2 seconds). */
export const MAX_CONNECT_DELAY_MS = 2_000;

function phone(number: string): CommonV1.PhoneNumber {
  return { e164: /^\+[1-9]\d{7,14}$/.test(number) ? number : '', raw: number, extension: '' };
}

export function callToProto(s: CallSnapshot, nodeId: string): TelephonyV1.Call {
  return {
    callId: s.callId,
    direction:
      s.direction === 'inbound'
        ? CommonV1.CallDirection.CALL_DIRECTION_INBOUND
        : CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND,
    state: STATE[s.state],
    caller: phone(s.from),
    callee: phone(s.to),
    queueId: s.queueId ?? '',
    agentId: s.agent?.agentId ?? s.agentLeg?.agentId ?? '',
    campaignId: s.campaignId ?? '',
    telephonyNodeId: nodeId,
    startedAt: toTimestamp(s.startedAt),
    answeredAt: s.connectedAt !== undefined ? toTimestamp(s.connectedAt) : undefined,
    endedAt: undefined,
    hangupCause: 0,
    hangupSide: TelephonyV1.HangupSide.HANGUP_SIDE_UNSPECIFIED,
  };
}

/**
 * The telephony contract over gRPC: validated at the edge, the tenant from the kit's interceptor,
 * the work done by this node's engine (only the active instance of the pair has one).
 */
@Controller()
@TelephonyV1.TelephonyServiceControllerMethods()
export class TelephonyGrpcController implements TelephonyV1.TelephonyServiceController {
  constructor(
    @Inject(TelephonyEngineHost) private readonly host: TelephonyEngineHost,
    @Inject(CallHistoryRepository) private readonly history: CallHistoryRepository,
  ) {}

  private engine(): TelephonyEngine {
    const engine = this.host.engine;
    if (!engine)
      throw new AppError(ErrorKind.Unavailable, 'this telephony instance is the standby of its node', {
        code: 'telephony.standby',
        retryAfterSeconds: 1,
      });
    return engine;
  }

  async originateCall(request: TelephonyV1.OriginateCallRequest): Promise<TelephonyV1.OriginateCallResponse> {
    const r = parseRequest(S.OriginateCallSchema, request);
    const result = await this.engine().calls.originate(TenantContext.require(), {
      requestId: r.requestId,
      campaignId: r.campaignId,
      destination: r.destination,
      callerId: r.callerId,
      trunk: r.trunkId || this.host.trunk,
      ringTimeoutSeconds: r.ringTimeoutSeconds || DEFAULT_RING_SECONDS,
      queueId: r.queueId,
      maxConnectDelayMs: r.maxConnectDelayMs || MAX_CONNECT_DELAY_MS,
      variables: r.variables,
    });
    return { callId: result.callId, state: STATE[result.state], alreadyOriginated: result.alreadyOriginated };
  }

  async hangupCall(request: TelephonyV1.HangupCallRequest): Promise<TelephonyV1.HangupCallResponse> {
    const r = parseRequest(S.HangupCallSchema, request);
    const by: HangupSide = r.requestedBy === TelephonyV1.HangupSide.HANGUP_SIDE_AGENT ? 'agent' : 'system';
    const hungUp = await this.engine().calls.hangupOnRequest(TenantContext.require(), r.callId, by);
    return { alreadyEnded: !hungUp };
  }

  getCall(request: TelephonyV1.GetCallRequest): TelephonyV1.GetCallResponse {
    const r = parseRequest(S.CallRefSchema, request);
    const engine = this.engine();
    return { call: callToProto(engine.calls.view(TenantContext.require(), r.callId), engine.nodeId) };
  }

  async holdCall(request: TelephonyV1.HoldCallRequest): Promise<TelephonyV1.HoldCallResponse> {
    const r = parseRequest(S.CallRefSchema, request);
    return { state: STATE[await this.engine().calls.hold(TenantContext.require(), r.callId)] };
  }

  async resumeCall(request: TelephonyV1.ResumeCallRequest): Promise<TelephonyV1.ResumeCallResponse> {
    const r = parseRequest(S.CallRefSchema, request);
    return { state: STATE[await this.engine().calls.resume(TenantContext.require(), r.callId)] };
  }

  async transferCall(request: TelephonyV1.TransferCallRequest): Promise<TelephonyV1.TransferCallResponse> {
    const r = parseRequest(S.TransferCallSchema, request);
    const target =
      r.queueId !== undefined
        ? { kind: 'queue' as const, queueId: r.queueId }
        : { kind: 'external' as const, number: r.externalNumber ?? '' };
    return { state: STATE[await this.engine().calls.transfer(TenantContext.require(), r.callId, target)] };
  }

  async startMonitoring(
    request: TelephonyV1.StartMonitoringRequest,
  ): Promise<TelephonyV1.StartMonitoringResponse> {
    const r = parseRequest(S.StartMonitoringSchema, request);
    const monitoringId = await this.engine().calls.startMonitoring(TenantContext.require(), r.callId, {
      supervisorId: r.supervisorId,
      endpoint: r.supervisorEndpoint,
      mode: r.mode === TelephonyV1.MonitoringMode.MONITORING_MODE_WHISPER ? 'whisper' : 'listen',
    });
    return { monitoringId };
  }

  async stopMonitoring(
    request: TelephonyV1.StopMonitoringRequest,
  ): Promise<TelephonyV1.StopMonitoringResponse> {
    const r = parseRequest(S.StopMonitoringSchema, request);
    const stopped = await this.engine().calls.stopMonitoring(
      TenantContext.require(),
      r.callId,
      r.monitoringId,
    );
    return { stopped };
  }

  // ------------------------------------------------------------------ history (any instance answers)

  async listCalls(request: TelephonyV1.ListCallsRequest): Promise<TelephonyV1.ListCallsResponse> {
    const r = parseRequest(S.ListCallsSchema, request);
    TenantContext.require();
    const limit = Math.min(r.page?.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const direction =
      r.direction === (CommonV1.CallDirection.CALL_DIRECTION_INBOUND as number)
        ? 'inbound'
        : r.direction === (CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND as number)
          ? 'outbound'
          : undefined;
    const rows = await this.history.list(
      {
        ...(r.startedFrom ? { startedFrom: fromTimestamp(r.startedFrom) } : {}),
        ...(r.startedBefore ? { startedBefore: fromTimestamp(r.startedBefore) } : {}),
        ...(direction ? { direction } : {}),
        ...(r.queueId ? { queueId: r.queueId } : {}),
        ...(r.agentId ? { agentId: r.agentId } : {}),
        ...(r.customerId ? { customerId: r.customerId } : {}),
        ...(r.campaignId ? { campaignId: r.campaignId } : {}),
        ...(r.number ? { number: r.number } : {}),
        recordedOnly: r.recordedOnly,
      },
      limit,
      r.page?.cursor || undefined,
    );
    const calls = rows.slice(0, limit);
    const last = calls[calls.length - 1];
    return {
      calls: calls.map(callRecordToProto),
      page: { nextCursor: rows.length > limit && last ? encodeCallCursor(last) : '' },
    };
  }

  async getCallRecord(request: TelephonyV1.GetCallRecordRequest): Promise<TelephonyV1.GetCallRecordResponse> {
    const r = parseRequest(S.GetCallRecordSchema, request);
    TenantContext.require();
    return { call: callRecordToProto(await this.history.get(r.callId)) };
  }
}
