import {
  AcdV1,
  type EventDefinition,
  type PayloadOf,
  AgentLegFailed,
  AgentLegRinging,
  CallAbandoned,
  CallAnswered,
  CallbackRequested,
  CallConnected,
  CallEnded,
  CallQueued,
  CallRejected,
  CallStarted,
  IvrCompleted,
  RecordingReady,
} from '@cc/contracts';
import type { Logger } from '@nestjs/common';
import { AriHttpClient, AriHttpError, ignoreGone } from '../ari/ari-http.client';
import type { AcdPort, AssignmentRef } from '../acd/acd.port';
import type { CrmPort, ScreenPopResult } from '../crm/crm.port';
import type { EntryPointLookup } from '../entry-points/entry-point.types';
import { runIvr, type IvrResult } from '../flows/ivr.runner';
import type { Clock } from '../../infrastructure/clock';
import type { CallFactsPort } from './call-facts.port';
import { CallGoneError, CallIo } from './call-io';
import type { AgentLeg, CallSnapshot, HangupSide } from './call.types';
import { callIdForChannel, priorityWithTier } from './call-rules.util';

export interface CallsServiceOptions {
  app: string;
  nodeId: string;
  operatorTenantId: string;
  /** How long enqueueing may be retried before the caller is told sorry. */
  enqueueAttempts?: number;
}

export interface CallStore {
  save(snapshot: CallSnapshot): void;
  remove(callId: string): void;
}

interface Call {
  s: CallSnapshot;
  io: CallIo;
  announceTimer: NodeJS.Timeout | undefined;
  screenPop: Promise<ScreenPopResult | undefined>;
  ended: boolean;
  hangupBy: HangupSide | undefined;
  hangupCause: number | undefined;
}

/**
 * The call engine: carries each call from StasisStart through IVR, queue, agent leg and bridge to
 * the last fact. Events come in through the stasis handler; every operation on a channel tolerates
 * the channel having vanished (the normal race of live calls).
 */
export class CallsService {
  private readonly byCallId = new Map<string, Call>();
  private readonly byChannel = new Map<string, Call>();
  /** Agent leg channel -> call. */
  private readonly byAgentChannel = new Map<string, Call>();
  /** Bridge recordings outlive their call's state by a little: RecordingFinished comes after the hang-up. */
  private readonly recordings = new Map<
    string,
    { tenantId: string; callId: string; consentPlayed: boolean }
  >();

  constructor(
    private readonly ari: AriHttpClient,
    private readonly lookup: EntryPointLookup,
    private readonly acd: AcdPort,
    private readonly crm: CrmPort,
    private readonly facts: CallFactsPort,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>,
    private readonly options: CallsServiceOptions,
    private readonly store: CallStore | undefined = undefined,
  ) {}

  get liveCalls(): number {
    return this.byCallId.size;
  }

  snapshot(callId: string): CallSnapshot | undefined {
    const call = this.byCallId.get(callId);
    return call ? { ...call.s } : undefined;
  }

  // ---------------------------------------------------------------- inbound

  async onInbound(
    channel: { id: string; caller: { number: string; name: string } },
    did: string,
  ): Promise<void> {
    if (this.byChannel.has(channel.id)) return;
    const callId = callIdForChannel(channel.id);
    const now = this.clock.now();
    const target = await this.lookup.findByDid(did);
    if (!target) {
      await this.rejectUnknownDid(channel.id, callId, channel.caller.number, did);
      return;
    }
    const s: CallSnapshot = {
      callId,
      tenantId: target.tenantId,
      channelId: channel.id,
      direction: 'inbound',
      from: channel.caller.number,
      to: did,
      did,
      flowId: target.flowId,
      campaignId: undefined,
      state: 'ivr',
      startedAt: now,
      queuedAt: undefined,
      connectedAt: undefined,
      queueId: undefined,
      queueAnnounceEverySeconds: 0,
      callbackDigit: undefined,
      mohClass: 'default',
      routing: undefined,
      customerId: undefined,
      valueTier: 0,
      agentLeg: undefined,
      agent: undefined,
      bridgeId: undefined,
      recordingName: undefined,
      consentPlayed: false,
      ringMs: 0,
      holdStartedAt: undefined,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      settings: target.settings,
    };
    const call: Call = {
      s,
      io: new CallIo(this.ari, callId, channel.id, () => this.clock.now()),
      announceTimer: undefined,
      // Started at once and never awaited longer than the adapter's deadline: the IVR runs meanwhile.
      screenPop: this.crm.screenPop(target.tenantId, channel.caller.number, callId),
      ended: false,
      hangupBy: undefined,
      hangupCause: undefined,
    };
    this.track(call);
    this.fact(
      call,
      CallStarted,
      { callId, direction: 'inbound', from: s.from, to: did, did, node: this.options.nodeId },
      'started',
    );
    try {
      await this.ari.answer(channel.id);
      const result = await runIvr(target.flow, target.settings.timeZone, call.io);
      await this.afterIvr(call, result);
    } catch (error) {
      if (error instanceof CallGoneError || call.ended) return;
      this.logger.error(`call ${callId}: ${describe(error)}`);
      await this.hangupCaller(call, 'system');
    }
  }

  private async rejectUnknownDid(
    channelId: string,
    callId: string,
    from: string,
    did: string,
  ): Promise<void> {
    this.logger.warn(`unknown DID ${did}: turned away (call ${callId})`);
    const tenantId = this.options.operatorTenantId;
    void this.publishNow(
      CallRejected,
      tenantId,
      { callId, direction: 'inbound', from, to: did, reason: 'unknown_did', node: this.options.nodeId },
      `${callId}:rejected`,
    );
    const io = new CallIo(this.ari, callId, channelId, () => this.clock.now());
    const rejectCall: Call = {
      s: { callId, channelId } as CallSnapshot,
      io,
      announceTimer: undefined,
      screenPop: Promise.resolve(undefined),
      ended: true,
      hangupBy: 'system',
      hangupCause: undefined,
    };
    this.byChannel.set(channelId, rejectCall);
    try {
      await this.ari.answer(channelId);
      await io.play(['sound:ss-noservice']);
    } catch (error) {
      if (!(error instanceof CallGoneError) && !(error instanceof AriHttpError)) throw error;
    } finally {
      io.close();
      this.byChannel.delete(channelId);
      await ignoreGone(this.ari.hangup(channelId, 'normal')).catch(() => undefined);
    }
  }

  private async afterIvr(call: Call, result: IvrResult): Promise<void> {
    const s = call.s;
    const outcome = result.outcome;
    this.fact(
      call,
      IvrCompleted,
      {
        callId: s.callId,
        flowId: s.flowId ?? 'unknown',
        outcome: outcome.kind,
        ...(outcome.kind === 'queue' ? { queueId: outcome.step.queueId } : {}),
        path: result.path,
        digits: result.digits,
        durationMs: Math.max(0, this.clock.now() - s.startedAt),
      },
      'ivr.completed',
    );
    switch (outcome.kind) {
      case 'hangup':
        await this.hangupCaller(call, 'system');
        return;
      case 'message':
        this.fact(
          call,
          CallbackRequested,
          {
            callId: s.callId,
            number: s.from,
            ...(outcome.recordingName ? { recordingId: outcome.recordingName } : {}),
            source: 'ivr_message',
          },
          'callback',
        );
        await this.hangupCaller(call, 'system');
        return;
      case 'queue':
        s.queueId = outcome.step.queueId;
        s.routing = outcome.routing;
        s.queueAnnounceEverySeconds = outcome.step.announceEverySeconds;
        s.callbackDigit = outcome.step.callbackDigit;
        s.mohClass = outcome.step.mohClass;
        await this.enqueue(call);
        return;
    }
  }

  private async enqueue(call: Call): Promise<void> {
    const s = call.s;
    const pop = await call.screenPop;
    if (pop) {
      s.customerId = pop.customerId || undefined;
      s.valueTier = pop.valueTier;
    }
    const routing = s.routing ?? { skills: [], priority: 0, language: undefined };
    const priority = priorityWithTier(routing.priority, s.valueTier);
    let position = 0;
    let expectedWaitSeconds = 0;
    const attempts = this.options.enqueueAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        ({ position, expectedWaitSeconds } = await this.acd.enqueue(s.tenantId, {
          callId: s.callId,
          queueId: s.queueId ?? '',
          skills: routing.skills,
          priority,
          valueTier: s.valueTier,
          callerNumber: s.from,
          customerId: s.customerId,
          language: routing.language ?? (pop?.language || undefined),
          nodeId: this.options.nodeId,
          arrivedAt: new Date(s.startedAt),
          direction: s.direction,
          campaignId: s.campaignId,
        }));
        break;
      } catch (error) {
        if (call.ended) return;
        if (attempt >= attempts) {
          this.logger.error(`call ${s.callId}: enqueue failed ${attempts} times: ${describe(error)}`);
          await call.io
            .play(['sound:an-error-has-occurred', 'sound:please-try-call-later'])
            .catch(() => undefined);
          await this.hangupCaller(call, 'system');
          return;
        }
        await delay(100 * attempt);
      }
    }
    if (call.ended) {
      // The caller left while acd was answering: take the call back out.
      await this.acd
        .cancel(s.tenantId, s.callId, AcdV1.CancelReason.CANCEL_REASON_CALLER_HANGUP)
        .catch(() => undefined);
      return;
    }
    s.state = 'queued';
    s.queuedAt = this.clock.now();
    this.save(call);
    this.fact(
      call,
      CallQueued,
      {
        callId: s.callId,
        direction: s.direction,
        queueId: s.queueId ?? 'unknown',
        priority,
        skills: routing.skills.map((k) => ({ skill: k.skillId, minLevel: k.minLevel })),
        ...(s.customerId ? { customerId: s.customerId } : {}),
        ...(s.valueTier ? { valueTier: s.valueTier } : {}),
      },
      'queued',
    );
    this.armCallbackKey(call);
    await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
    if (position > 0 && s.queueAnnounceEverySeconds > 0)
      this.scheduleAnnouncement(call, position, expectedWaitSeconds);
  }

  private armCallbackKey(call: Call): void {
    const key = call.s.callbackDigit;
    if (!key) return;
    call.io.digitListener = (digit) => {
      if (digit !== key || call.s.state !== 'queued') return false;
      void this.leaveForCallback(call).catch((error: unknown) =>
        this.logger.error(`callback for ${call.s.callId}: ${describe(error)}`),
      );
      return true;
    };
  }

  private async leaveForCallback(call: Call): Promise<void> {
    const s = call.s;
    s.state = 'ivr';
    this.clearAnnouncement(call);
    await this.acd
      .cancel(s.tenantId, s.callId, AcdV1.CancelReason.CANCEL_REASON_CALLBACK_REQUESTED)
      .catch(() => undefined);
    this.fact(
      call,
      CallbackRequested,
      { callId: s.callId, number: s.from, ...(s.queueId ? { queueId: s.queueId } : {}), source: 'queue' },
      'callback',
    );
    await ignoreGone(this.ari.stopMoh(s.channelId));
    await call.io.play(['sound:auth-thankyou']).catch(() => undefined);
    await this.hangupCaller(call, 'system');
  }

  private scheduleAnnouncement(call: Call, position: number, expectedWaitSeconds: number): void {
    this.clearAnnouncement(call);
    call.announceTimer = setTimeout(() => {
      call.announceTimer = undefined;
      void this.announce(call).catch((error: unknown) => {
        if (!(error instanceof CallGoneError))
          this.logger.warn(`announcement for ${call.s.callId}: ${describe(error)}`);
      });
    }, call.s.queueAnnounceEverySeconds * 1000);
    call.announceTimer.unref();
    void position;
    void expectedWaitSeconds;
  }

  /** Position and expected wait, asked fresh from acd (EnqueueCall is idempotent and answers both). */
  private async announce(call: Call): Promise<void> {
    const s = call.s;
    if (s.state !== 'queued' || call.ended) return;
    const routing = s.routing ?? { skills: [], priority: 0, language: undefined };
    const { position, expectedWaitSeconds } = await this.acd.enqueue(s.tenantId, {
      callId: s.callId,
      queueId: s.queueId ?? '',
      skills: routing.skills,
      priority: priorityWithTier(routing.priority, s.valueTier),
      valueTier: s.valueTier,
      callerNumber: s.from,
      customerId: s.customerId,
      language: routing.language,
      nodeId: this.options.nodeId,
      arrivedAt: new Date(s.startedAt),
      direction: s.direction,
      campaignId: s.campaignId,
    });
    if (s.state !== 'queued' || call.ended) return;
    await ignoreGone(this.ari.stopMoh(s.channelId));
    const minutes = Math.max(1, Math.round(expectedWaitSeconds / 60));
    const media =
      position <= 1
        ? ['sound:queue-youarenext']
        : ['sound:queue-thereare', `number:${position - 1}`, 'sound:queue-callswaiting'];
    if (expectedWaitSeconds > 0)
      media.push('sound:queue-holdtime', `number:${minutes}`, 'sound:queue-minutes');
    await call.io.play(media);
    if (s.state === 'queued' || s.state === 'ringing')
      await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
    if (s.state === 'queued') this.scheduleAnnouncement(call, position, expectedWaitSeconds);
  }

  private clearAnnouncement(call: Call): void {
    if (call.announceTimer) clearTimeout(call.announceTimer);
    call.announceTimer = undefined;
  }

  // ---------------------------------------------------------------- assignments

  async onAssignment(a: AcdV1.Assignment): Promise<void> {
    const ref: AssignmentRef = {
      assignmentId: a.assignmentId,
      callId: a.callId,
      agentId: a.agentId,
      fencingToken: Number(a.fencingToken),
    };
    const call = this.byCallId.get(a.callId);
    if (!call || call.ended || call.s.state !== 'queued') {
      // Not ours to ring (ended, or already offered): hand the offer back at once.
      await this.acd
        .reject(a.tenantId, ref, AcdV1.RejectReason.REJECT_REASON_DECLINED)
        .catch(() => undefined);
      return;
    }
    const s = call.s;
    const leg: AgentLeg = {
      ...ref,
      channelId: `${s.callId}-agent-${ref.fencingToken}`,
      endpoint: a.agentEndpoint,
      ringTimeoutSeconds: Math.max(5, a.ringTimeoutSeconds || 20),
      startedAt: this.clock.now(),
      answered: false,
      settled: false,
    };
    s.agentLeg = leg;
    s.state = 'ringing';
    this.byAgentChannel.set(leg.channelId, call);
    this.clearAnnouncement(call);
    this.save(call);
    this.fact(
      call,
      AgentLegRinging,
      { callId: s.callId, agentId: leg.agentId, assignmentId: leg.assignmentId, endpoint: leg.endpoint },
      `agent_leg.ringing:${leg.fencingToken}`,
    );
    try {
      await this.ari.originate({
        channelId: leg.channelId,
        endpoint: leg.endpoint,
        app: this.options.app,
        appArgs: ['agent', s.callId],
        // The agent sees who is calling.
        callerId: s.from,
        timeoutSeconds: leg.ringTimeoutSeconds,
      });
    } catch (error) {
      this.logger.warn(`call ${s.callId}: originate ${leg.endpoint} failed: ${describe(error)}`);
      await this.agentLegFailed(call, leg, 'endpoint_failed', undefined);
    }
  }

  async onAssignmentRevoked(r: AcdV1.AssignmentRevoked): Promise<void> {
    const call = this.byCallId.get(r.callId);
    const leg = call?.s.agentLeg;
    if (!call || !leg || leg.assignmentId !== r.assignmentId || leg.answered) return;
    leg.settled = true; // acd took it back: nothing to report
    await this.agentLegFailed(call, leg, 'revoked', undefined);
  }

  /** The agent answered: the originated channel entered Stasis with args ["agent", callId]. */
  async onAgentAnswered(channelId: string): Promise<void> {
    const call = this.byAgentChannel.get(channelId);
    const leg = call?.s.agentLeg;
    if (!call || !leg || leg.channelId !== channelId) {
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      return;
    }
    const s = call.s;
    leg.answered = true;
    if (call.ended) {
      leg.settled = true;
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      return;
    }
    const answeredAt = this.clock.now();
    let ack: 'acknowledged' | 'stale';
    try {
      ack = await this.acd.acknowledge(s.tenantId, leg, new Date(answeredAt));
    } catch (error) {
      this.logger.warn(`call ${s.callId}: acknowledge failed: ${describe(error)}; connecting anyway`);
      ack = 'acknowledged';
    }
    leg.settled = true;
    if (ack === 'stale') {
      await this.agentLegFailed(call, leg, 'stale_assignment', undefined);
      return;
    }
    if (call.ended) {
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      await this.acd.startWrapUp(s.tenantId, leg, new Date(this.clock.now())).catch(() => undefined);
      return;
    }
    s.ringMs += Math.max(0, answeredAt - leg.startedAt);
    s.agent = leg;
    s.agentLeg = undefined;
    s.state = 'connected';
    s.connectedAt = answeredAt;
    const bridgeId = `${s.callId}-bridge`;
    s.bridgeId = bridgeId;
    this.save(call);
    await ignoreGone(this.ari.stopMoh(s.channelId));
    try {
      await this.ari.createBridge(bridgeId, 'mixing', `call-${s.callId}`);
      await this.ari.addChannels(bridgeId, [s.channelId, channelId]);
    } catch (error) {
      this.logger.error(`call ${s.callId}: bridging failed: ${describe(error)}`);
      await this.end(call, 'system', undefined);
      return;
    }
    const waitMs = Math.max(0, answeredAt - (s.queuedAt ?? s.startedAt));
    const record = s.settings.recordCalls;
    this.fact(
      call,
      CallAnswered,
      {
        callId: s.callId,
        direction: s.direction,
        ...(s.queueId ? { queueId: s.queueId } : {}),
        agentId: leg.agentId,
        waitMs,
      },
      'answered',
    );
    this.fact(
      call,
      CallConnected,
      {
        callId: s.callId,
        direction: s.direction,
        agentId: leg.agentId,
        ...(s.queueId ? { queueId: s.queueId } : {}),
        recording: record,
      },
      'connected',
    );
    if (record) await this.startRecording(call, bridgeId);
  }

  private async startRecording(call: Call, bridgeId: string): Promise<void> {
    const s = call.s;
    try {
      if (s.settings.consentPrompt && s.settings.consentPrompt.length > 0) {
        await this.playOnBridge(call, bridgeId, s.settings.consentPrompt);
        s.consentPlayed = true;
      }
      if (call.ended || s.state !== 'connected') return;
      const name = `call-${s.callId}`;
      this.recordings.set(name, { tenantId: s.tenantId, callId: s.callId, consentPlayed: s.consentPlayed });
      s.recordingName = name;
      this.save(call);
      await this.ari.recordBridge(bridgeId, name);
    } catch (error) {
      if (error instanceof CallGoneError || call.ended) return;
      this.logger.warn(`call ${s.callId}: recording not started: ${describe(error)}`);
    }
  }

  private async playOnBridge(call: Call, bridgeId: string, media: string[]): Promise<void> {
    const playbackId = `pb-${call.s.callId}-consent`;
    const finished = new Promise<void>((resolve) => {
      this.bridgePlaybacks.set(playbackId, resolve);
      setTimeout(resolve, 30_000).unref();
    });
    await this.ari.playOnBridge(bridgeId, playbackId, media);
    await finished;
  }

  private readonly bridgePlaybacks = new Map<string, () => void>();

  private async agentLegFailed(
    call: Call,
    leg: AgentLeg,
    reason: 'no_answer' | 'busy' | 'endpoint_failed' | 'revoked' | 'stale_assignment',
    cause: number | undefined,
  ): Promise<void> {
    const s = call.s;
    if (s.agentLeg !== leg) return;
    s.agentLeg = undefined;
    this.byAgentChannel.delete(leg.channelId);
    const ringMs = Math.max(0, this.clock.now() - leg.startedAt);
    s.ringMs += ringMs;
    await ignoreGone(this.ari.hangup(leg.channelId, 'normal')).catch(() => undefined);
    this.fact(
      call,
      AgentLegFailed,
      {
        callId: s.callId,
        agentId: leg.agentId,
        assignmentId: leg.assignmentId,
        reason,
        ...(cause !== undefined ? { cause } : {}),
        ringMs,
      },
      `agent_leg.failed:${leg.fencingToken}`,
    );
    if (call.ended) return;
    s.state = 'queued';
    this.save(call);
    if (!leg.settled) {
      leg.settled = true;
      const rejectReason =
        reason === 'busy'
          ? AcdV1.RejectReason.REJECT_REASON_BUSY
          : reason === 'endpoint_failed'
            ? AcdV1.RejectReason.REJECT_REASON_ENDPOINT_FAILED
            : AcdV1.RejectReason.REJECT_REASON_NO_ANSWER;
      await this.acd
        .reject(s.tenantId, leg, rejectReason)
        .catch((error: unknown) => this.logger.warn(`reject for ${s.callId}: ${describe(error)}`));
    }
    if (s.queueAnnounceEverySeconds > 0 && !call.announceTimer) this.scheduleAnnouncement(call, 0, 0);
  }

  // ---------------------------------------------------------------- channel events

  onDigit(channelId: string, digit: string): void {
    this.byChannel.get(channelId)?.io.onDigit(digit);
  }

  onPlaybackFinished(playbackId: string, targetUri: string): void {
    const bridgeWaiter = this.bridgePlaybacks.get(playbackId);
    if (bridgeWaiter) {
      this.bridgePlaybacks.delete(playbackId);
      bridgeWaiter();
      return;
    }
    const channelId = targetUri.startsWith('channel:') ? targetUri.slice('channel:'.length) : undefined;
    const call = channelId ? this.byChannel.get(channelId) : undefined;
    call?.io.onPlaybackFinished(playbackId);
  }

  onRecordingFinished(
    name: string,
    targetUri: string,
    durationSeconds: number | undefined,
    format: string,
    ok: boolean,
  ): void {
    const channelId = targetUri.startsWith('channel:') ? targetUri.slice('channel:'.length) : undefined;
    if (channelId) {
      const call = this.byChannel.get(channelId);
      if (call?.io.onRecordingFinished(name, ok)) return;
    }
    const rec = this.recordings.get(name);
    if (!rec) return;
    this.recordings.delete(name);
    if (!ok) return;
    this.chainFact(
      rec.callId,
      rec.tenantId,
      RecordingReady,
      {
        recordingId: name,
        callId: rec.callId,
        durationMs: Math.round((durationSeconds ?? 0) * 1000),
        format: format || 'wav',
        consentPlayed: rec.consentPlayed,
      },
      `${rec.callId}:recording.ready:${name}`,
    );
  }

  /** ChannelHangupRequest: notes who hung up (no cause = the far end, cause 32 = us). */
  onHangupRequest(channelId: string, cause: number | undefined): void {
    const call = this.byChannel.get(channelId);
    if (call && !call.hangupBy) call.hangupBy = cause === undefined ? 'caller' : 'system';
    const agentCall = this.byAgentChannel.get(channelId);
    if (agentCall && agentCall.s.agent?.channelId === channelId && !agentCall.hangupBy) {
      agentCall.hangupBy = cause === undefined ? 'agent' : 'system';
    }
  }

  /** StasisEnd or ChannelDestroyed of any channel of ours. */
  async onChannelGone(channelId: string, cause: number | undefined): Promise<void> {
    const call = this.byChannel.get(channelId);
    if (call) {
      await this.end(call, call.hangupBy ?? 'caller', cause);
      return;
    }
    const agentCall = this.byAgentChannel.get(channelId);
    if (!agentCall) return;
    const s = agentCall.s;
    if (s.agentLeg?.channelId === channelId && !s.agentLeg.answered) {
      const reason =
        cause === 17
          ? 'busy'
          : cause === 0 || cause === 19 || cause === undefined
            ? 'no_answer'
            : cause === 21
              ? 'busy'
              : 'no_answer';
      await this.agentLegFailed(agentCall, s.agentLeg, reason, cause);
      return;
    }
    if (s.agent?.channelId === channelId) {
      await this.end(agentCall, agentCall.hangupBy ?? 'agent', cause);
    }
  }

  /** Hangs the caller up from our side (the end follows from the channel's StasisEnd). */
  private async hangupCaller(call: Call, by: HangupSide): Promise<void> {
    call.hangupBy ??= by;
    const gone = !(await ignoreGone(this.ari.hangup(call.s.channelId, 'normal')).catch(() => false));
    if (gone) await this.end(call, call.hangupBy, undefined);
  }

  /** Ends a call exactly once: tears down what is left, settles with acd, publishes the last facts. */
  private async end(call: Call, by: HangupSide, cause: number | undefined): Promise<void> {
    if (call.ended) return;
    call.ended = true;
    call.hangupCause ??= cause;
    const s = call.s;
    const stateAtEnd = s.state;
    s.state = 'ended';
    call.io.close();
    this.clearAnnouncement(call);
    const now = this.clock.now();
    if (s.holdStartedAt !== undefined) {
      s.holdMs += now - s.holdStartedAt;
      s.holdStartedAt = undefined;
    }
    const ringingLeg = s.agentLeg;
    if (ringingLeg) {
      s.agentLeg = undefined;
      s.ringMs += Math.max(0, now - ringingLeg.startedAt);
    }
    if ((stateAtEnd === 'queued' || stateAtEnd === 'ringing' || stateAtEnd === 'ivr') && by === 'caller') {
      this.fact(
        call,
        CallAbandoned,
        {
          callId: s.callId,
          direction: s.direction,
          ...(s.queueId ? { queueId: s.queueId } : {}),
          waitMs: Math.max(0, now - (s.queuedAt ?? s.startedAt)),
          stage: stateAtEnd === 'ivr' ? 'ivr' : stateAtEnd === 'ringing' ? 'ringing' : 'queue',
        },
        'abandoned',
      );
    }
    const talkMs = s.connectedAt !== undefined ? Math.max(0, now - s.connectedAt - s.holdMs) : 0;
    this.fact(
      call,
      CallEnded,
      {
        callId: s.callId,
        direction: s.direction,
        from: s.from,
        to: s.to,
        ...(s.queueId ? { queueId: s.queueId } : {}),
        ...(s.agent ? { agentId: s.agent.agentId } : {}),
        ...(s.customerId ? { customerId: s.customerId } : {}),
        ...(s.campaignId ? { campaignId: s.campaignId } : {}),
        startedAt: new Date(s.startedAt).toISOString(),
        ...(s.connectedAt !== undefined ? { answeredAt: new Date(s.connectedAt).toISOString() } : {}),
        endedAt: new Date(now).toISOString(),
        waitMs: Math.max(0, (s.connectedAt ?? now) - (s.queuedAt ?? now)),
        talkMs,
        holdMs: s.holdMs,
        holdCount: s.holdCount,
        transferCount: s.transferCount,
        hangupBy: by,
        ...(s.recordingName ? { recordingId: s.recordingName } : {}),
        ringMs: s.ringMs,
        ...(call.hangupCause !== undefined ? { hangupCause: call.hangupCause } : {}),
      },
      'ended',
    );
    // Facts first (they are queued, not awaited): the call's end is the hang-up, not the teardown.
    if (ringingLeg) await ignoreGone(this.ari.hangup(ringingLeg.channelId, 'normal')).catch(() => undefined);
    if (s.agent) await ignoreGone(this.ari.hangup(s.agent.channelId, 'normal')).catch(() => undefined);
    await ignoreGone(this.ari.hangup(s.channelId, 'normal')).catch(() => undefined);
    if (s.bridgeId) await ignoreGone(this.ari.destroyBridge(s.bridgeId)).catch(() => undefined);

    if (stateAtEnd === 'queued' || stateAtEnd === 'ringing') {
      await this.acd
        .cancel(s.tenantId, s.callId, AcdV1.CancelReason.CANCEL_REASON_CALLER_HANGUP)
        .catch((error: unknown) => this.logger.warn(`cancel ${s.callId}: ${describe(error)}`));
    }
    if (s.agent && (stateAtEnd === 'connected' || stateAtEnd === 'held')) {
      await this.acd
        .startWrapUp(s.tenantId, s.agent, new Date(now))
        .catch((error: unknown) => this.logger.warn(`wrap-up ${s.callId}: ${describe(error)}`));
    }
    if (ringingLeg) this.byAgentChannel.delete(ringingLeg.channelId);
    this.untrack(call);
  }

  // ---------------------------------------------------------------- bookkeeping

  private track(call: Call): void {
    this.byCallId.set(call.s.callId, call);
    this.byChannel.set(call.s.channelId, call);
    this.save(call);
  }

  private untrack(call: Call): void {
    this.byCallId.delete(call.s.callId);
    this.byChannel.delete(call.s.channelId);
    if (call.s.agent) this.byAgentChannel.delete(call.s.agent.channelId);
    this.store?.remove(call.s.callId);
  }

  private save(call: Call): void {
    if (!call.ended) this.store?.save({ ...call.s });
  }

  /** Facts of one call are published in order (a chain per call) without holding the call up. */
  private readonly factChains = new Map<string, Promise<void>>();

  private fact<D extends EventDefinition>(
    call: Call,
    definition: D,
    payload: PayloadOf<D>,
    suffix: string,
  ): void {
    this.chainFact(call.s.callId, call.s.tenantId, definition, payload, `${call.s.callId}:${suffix}`);
  }

  private chainFact<D extends EventDefinition>(
    callId: string,
    tenantId: string,
    definition: D,
    payload: PayloadOf<D>,
    id: string,
  ): void {
    const previous = this.factChains.get(callId) ?? Promise.resolve();
    const next = previous.then(() => this.publishNow(definition, tenantId, payload, id));
    this.factChains.set(callId, next);
    void next.then(() => {
      if (this.factChains.get(callId) === next) this.factChains.delete(callId);
    });
  }

  private async publishNow<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    id: string,
  ): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await this.facts.publish(definition, tenantId, payload, id);
        return;
      } catch (error) {
        if (attempt === 5 || isValidationError(error)) {
          this.logger.error(`fact ${id} not published: ${describe(error)}`);
          return;
        }
        await delay(50 * 2 ** attempt);
      }
    }
  }

  /** Waits until every fact queued so far is published (tests, shutdown). */
  async flushFacts(): Promise<void> {
    await Promise.all([...this.factChains.values()]);
  }

  /** Stops timers; calls stay up in Asterisk for a successor to take over. */
  shutdown(): void {
    for (const call of this.byCallId.values()) this.clearAnnouncement(call);
  }
}

function isValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'EnvelopeValidationError';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
