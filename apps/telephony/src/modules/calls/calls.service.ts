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
  CallHeld,
  CallResumed,
  CallTransferred,
  CallQueued,
  CallRejected,
  CallStarted,
  IvrCompleted,
  RecordingReady,
} from '@cc/contracts';
import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { type AriChannel, AriHttpClient, AriHttpError, ignoreGone } from '../ari/ari-http.client';
import type { AcdPort, AssignmentRef } from '../acd/acd.port';
import type { CrmPort, ScreenPopResult } from '../crm/crm.port';
import type { EntryPointLookup } from '../entry-points/entry-point.types';
import { runIvr, type IvrProgress, type IvrResult } from '../flows/ivr.runner';
import type { IvrFlowDefinition } from '../flows/ivr-flow.schema';
import type { Clock } from '../../infrastructure/clock';
import type { CallFactsPort } from './call-facts.port';
import { CallGoneError, CallIo } from './call-io';
import { AppError, ErrorKind } from '@cc/platform';
import type { AgentLeg, CallSnapshot, CallState, HangupSide } from './call.types';
import { callIdForChannel, priorityWithTier } from './call-rules.util';

export interface CallsServiceOptions {
  app: string;
  nodeId: string;
  operatorTenantId: string;
  /** The trunk external transfers are referred through (`PJSIP/<number>@<trunk>`). */
  transferTrunk?: string;
  /** Called at the milestones of a call (benchmarks, latency metrics); must not throw or block. */
  timings?: (callId: string, point: CallTimingPoint) => void;
  /** How long enqueueing may be retried before the caller is told sorry. */
  enqueueAttempts?: number;
}

/** Milestones whose distances are the engine's latencies (StasisStart -> enqueued, ...). */
export type CallTimingPoint =
  | 'stasis_start'
  | 'enqueued'
  | 'assigned'
  /** The agent originate request is handed to the ARI client (not yet answered by Asterisk). */
  | 'originate_sent'
  | 'agent_ringing'
  | 'agent_answered'
  | 'bridged';

export interface CallStore {
  save(snapshot: CallSnapshot): void;
  remove(callId: string): void;
  /** The calls a previous holder of the node left (read once when this instance takes over). */
  list?(): Promise<CallSnapshot[]>;
}

interface Call {
  s: CallSnapshot;
  io: CallIo;
  announceTimer: NodeJS.Timeout | undefined;
  screenPop: Promise<ScreenPopResult | undefined>;
  ended: boolean;
  hangupBy: HangupSide | undefined;
  hangupCause: number | undefined;
  /** True while EnqueueCall is in flight. */
  enqueuing?: boolean;
  /**
   * An assignment that arrived on the watch stream before EnqueueCall's answer (acd assigns a free
   * agent at once, and the stream can overtake the unary answer): rung as soon as the call is queued.
   */
  earlyAssignment?: AcdV1.Assignment;
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
    this.options.timings?.(callId, 'stasis_start');
    const now = this.clock.now();
    let target: Awaited<ReturnType<EntryPointLookup['findByDid']>>;
    try {
      target = await this.lookup.findByDid(did);
    } catch (error) {
      // Without its entry point the call cannot be carried: say sorry rather than leave it ringing.
      this.logger.error(`call ${callId}: entry point of ${did} unavailable: ${describe(error)}`);
      await this.turnAway(channel.id, callId, ['sound:an-error-has-occurred', 'sound:please-try-call-later']);
      return;
    }
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
      talkMs: 0,
      talkingSince: undefined,
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
    } catch (error) {
      if (error instanceof CallGoneError || call.ended) return;
      this.logger.error(`call ${callId}: ${describe(error)}`);
      await this.hangupCaller(call, 'system');
      return;
    }
    await this.runFlow(call, target);
  }

  /** Runs (or, after a takeover, resumes) the caller's IVR flow, saving each step as it starts. */
  private async runFlow(
    call: Call,
    target: { flow: IvrFlowDefinition; settings: { timeZone: string; holidays: readonly string[] } },
    resume?: IvrProgress,
  ): Promise<void> {
    try {
      const result = await runIvr(target.flow, target.settings.timeZone, call.io, target.settings.holidays, {
        ...(resume ? { resume } : {}),
        onStep: (progress) => {
          call.s.ivr = progress;
          this.save(call);
        },
      });
      call.s.ivr = undefined;
      await this.afterIvr(call, result);
    } catch (error) {
      if (error instanceof CallGoneError || call.ended) return;
      this.logger.error(`call ${call.s.callId}: ${describe(error)}`);
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
    await this.turnAway(channelId, callId, ['sound:ss-noservice']);
  }

  /** Answers, plays a short message and hangs up a caller the engine cannot carry. */
  private async turnAway(channelId: string, callId: string, media: string[]): Promise<void> {
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
      await io.play(media);
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
        s.queueAnnounceEverySeconds = outcome.step.announceEverySeconds ?? s.settings.announceEverySeconds;
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
    call.enqueuing = true;
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
        this.options.timings?.(s.callId, 'enqueued');
        break;
      } catch (error) {
        if (call.ended) return;
        if (attempt >= attempts) {
          call.enqueuing = false;
          this.logger.error(`call ${s.callId}: enqueue failed ${attempts} times: ${describe(error)}`);
          if (call.earlyAssignment) {
            // acd did queue it after all: take it back without holding the agent.
            await this.acd
              .cancel(s.tenantId, s.callId, AcdV1.CancelReason.CANCEL_REASON_SYSTEM)
              .catch(() => undefined);
          }
          await call.io
            .play(['sound:an-error-has-occurred', 'sound:please-try-call-later'])
            .catch(() => undefined);
          await this.hangupCaller(call, 'system');
          return;
        }
        await delay(100 * attempt);
      }
    }
    call.enqueuing = false;
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
      this.nth(s, 'queued'),
    );
    this.armCallbackKey(call);
    await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
    const early = call.earlyAssignment;
    call.earlyAssignment = undefined;
    if (early) {
      await this.onAssignment(early);
      return;
    }
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
    s.ivr = undefined;
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

  // ---------------------------------------------------------------- takeover

  /**
   * Takes over the calls the previous active instance carried: their snapshots (KV) checked
   * against what Asterisk has now (`GET /channels`, listed after our socket registered the app, so
   * every later change arrives as an event). Tracking is synchronous: no event can slip between.
   */
  adopt(snapshots: CallSnapshot[], channels: AriChannel[]): void {
    const live = new Map(channels.map((c) => [c.id, c]));
    for (const snapshot of snapshots) {
      if (this.byCallId.has(snapshot.callId) || snapshot.state === 'ended') continue;
      const call: Call = {
        s: { ...snapshot },
        io: new CallIo(this.ari, snapshot.callId, snapshot.channelId, () => this.clock.now()),
        announceTimer: undefined,
        screenPop: Promise.resolve(undefined),
        ended: false,
        hangupBy: undefined,
        hangupCause: undefined,
      };
      this.track(call);
      if (call.s.agentLeg) this.byAgentChannel.set(call.s.agentLeg.channelId, call);
      if (call.s.agent) this.byAgentChannel.set(call.s.agent.channelId, call);
      void this.carryOn(call, live).catch((error: unknown) => {
        if (!(error instanceof CallGoneError))
          this.logger.error(`takeover of ${snapshot.callId}: ${describe(error)}`);
      });
    }
  }

  private async carryOn(call: Call, live: Map<string, AriChannel>): Promise<void> {
    const s = call.s;
    const caller = live.get(s.channelId);
    if (!caller) {
      // The caller left while no instance was watching: end it now (who hung up is not known).
      await this.end(call, 'caller', undefined);
      return;
    }
    switch (s.state) {
      case 'ivr': {
        // Resume at the step the caller was at (it restarts: a prompt plays again, a menu asks again),
        // unless the flow changed meanwhile: then the caller hears the new flow from its start.
        const target = s.did ? await this.lookup.findByDid(s.did).catch(() => undefined) : undefined;
        if (target && target.flowId === s.flowId && s.ivr && target.flow.steps[s.ivr.step]) {
          void this.runFlow(call, target, s.ivr);
          return;
        }
        this.untrack(call);
        if (s.did) await this.onInbound(caller, s.did);
        else await this.hangupCaller(call, 'system');
        return;
      }
      case 'queued':
        this.armCallbackKey(call);
        await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
        if (s.queueAnnounceEverySeconds > 0) this.scheduleAnnouncement(call, 0, 0);
        return;
      case 'ringing': {
        this.armCallbackKey(call);
        const leg = s.agentLeg;
        const agentChannel = leg ? live.get(leg.channelId) : undefined;
        if (!leg) {
          s.state = 'queued';
          this.save(call);
        } else if (!agentChannel) {
          await this.agentLegFailed(call, leg, 'no_answer', undefined);
        } else if (agentChannel.state === 'Up') {
          // Answered while nobody listened: its StasisStart went to no socket.
          await this.onAgentAnswered(leg.channelId);
        }
        // Still ringing: its events come to the app (the originate subscribed it).
        return;
      }
      case 'connected':
      case 'held':
        if (!s.agent || !live.has(s.agent.channelId)) await this.end(call, 'agent', undefined);
        return;
      case 'dialing':
        // Answered while nobody listened (an unanswered one still sends its events to the app).
        if (caller.state === 'Up') await this.onOutboundAnswered(s.channelId);
        return;
      case 'closing':
        await this.hangupCaller(call, 'system');
        return;
      case 'transferred':
      case 'ended':
        return;
    }
  }

  // ---------------------------------------------------------------- assignments

  async onAssignment(a: AcdV1.Assignment): Promise<void> {
    const ref: AssignmentRef = {
      assignmentId: a.assignmentId,
      callId: a.callId,
      agentId: a.agentId,
      fencingToken: Number(a.fencingToken),
    };
    this.options.timings?.(a.callId, 'assigned');
    const call = this.byCallId.get(a.callId);
    if (call && !call.ended && call.enqueuing) {
      call.earlyAssignment = a;
      return;
    }
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
      this.options.timings?.(s.callId, 'originate_sent');
      await this.ari.originate({
        channelId: leg.channelId,
        endpoint: leg.endpoint,
        app: this.options.app,
        appArgs: ['agent', s.callId],
        // The agent sees who is calling.
        callerId: s.from,
        timeoutSeconds: leg.ringTimeoutSeconds,
      });
      this.options.timings?.(s.callId, 'agent_ringing');
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
    this.options.timings?.(s.callId, 'agent_answered');
    leg.answered = true;
    if (call.ended) {
      leg.settled = true;
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      return;
    }
    const answeredAt = this.clock.now();
    const bridgeId = `${s.callId}-bridge`;
    // Made while acd confirms the assignment, so answer -> bridged costs one round trip after the ack.
    const bridgeReady: Promise<unknown> = this.ari.createBridge(bridgeId, 'mixing', `call-${s.callId}`).then(
      () => undefined,
      (error: unknown) => error,
    );
    const dropBridge = async (): Promise<void> => {
      await bridgeReady;
      await ignoreGone(this.ari.destroyBridge(bridgeId)).catch(() => undefined);
    };
    let ack: 'acknowledged' | 'stale';
    try {
      ack = await this.acd.acknowledge(s.tenantId, leg, new Date(answeredAt));
    } catch (error) {
      this.logger.warn(`call ${s.callId}: acknowledge failed: ${describe(error)}; connecting anyway`);
      ack = 'acknowledged';
    }
    leg.settled = true;
    if (ack === 'stale') {
      await dropBridge();
      await this.agentLegFailed(call, leg, 'stale_assignment', undefined);
      return;
    }
    if (call.ended) {
      await dropBridge();
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      await this.acd.startWrapUp(s.tenantId, leg, new Date(this.clock.now())).catch(() => undefined);
      return;
    }
    s.ringMs += Math.max(0, answeredAt - leg.startedAt);
    s.agent = leg;
    s.agentLeg = undefined;
    s.state = 'connected';
    s.connectedAt ??= answeredAt;
    s.talkingSince = answeredAt;
    s.bridgeId = bridgeId;
    this.save(call);
    try {
      const [, bridgeError] = await Promise.all([ignoreGone(this.ari.stopMoh(s.channelId)), bridgeReady]);
      if (bridgeError instanceof Error) throw bridgeError;
      await this.ari.addChannels(bridgeId, [s.channelId, channelId]);
      this.options.timings?.(s.callId, 'bridged');
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
      this.nth(s, 'answered'),
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
      this.nth(s, 'connected'),
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

  // ---------------------------------------------------------------- outbound

  /** Request ids already originated (idempotency of retried OriginateCall), bounded. */
  private readonly originated = new Map<string, string>();

  /**
   * Dials a customer for a campaign on the tenant's trunk, the caller id always presented. The
   * outcome arrives as facts: a live answer is queued at once (acd offers the reserved or next
   * agent); no agent bridged within `maxConnectDelayMs` plays the safe-harbour message.
   */
  async originate(
    tenantId: string,
    command: {
      requestId: string;
      campaignId: string;
      destination: string;
      callerId: string;
      trunk: string;
      ringTimeoutSeconds: number;
      queueId: string;
      maxConnectDelayMs: number;
      variables: Record<string, string>;
    },
  ): Promise<{ callId: string; state: CallState; alreadyOriginated: boolean }> {
    const key = `${tenantId}/${command.requestId}`;
    const known = this.originated.get(key);
    if (known) {
      return { callId: known, state: this.byCallId.get(known)?.s.state ?? 'ended', alreadyOriginated: true };
    }
    const channelId = `out-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const callId = callIdForChannel(channelId);
    this.originated.set(key, callId);
    if (this.originated.size > 50_000) this.originated.delete(this.originated.keys().next().value as string);
    const now = this.clock.now();
    const settings = await this.lookup.settingsOf(tenantId);
    const s: CallSnapshot = {
      callId,
      tenantId,
      channelId,
      direction: 'outbound',
      from: command.callerId,
      to: command.destination,
      did: undefined,
      flowId: undefined,
      campaignId: command.campaignId,
      maxConnectDelayMs: command.maxConnectDelayMs,
      state: 'dialing',
      startedAt: now,
      queuedAt: undefined,
      connectedAt: undefined,
      queueId: command.queueId,
      queueAnnounceEverySeconds: 0,
      callbackDigit: undefined,
      mohClass: 'default',
      // A live answer goes before every waiting inbound caller: it cannot wait.
      routing: { skills: [], priority: 100, language: undefined },
      customerId: undefined,
      valueTier: 0,
      agentLeg: undefined,
      agent: undefined,
      bridgeId: undefined,
      recordingName: undefined,
      consentPlayed: false,
      ringMs: 0,
      talkMs: 0,
      talkingSince: undefined,
      holdStartedAt: undefined,
      holdMs: 0,
      holdCount: 0,
      transferCount: 0,
      settings,
    };
    const call: Call = {
      s,
      io: new CallIo(this.ari, callId, channelId, () => this.clock.now()),
      announceTimer: undefined,
      screenPop: Promise.resolve(undefined),
      ended: false,
      hangupBy: undefined,
      hangupCause: undefined,
    };
    // Tracked before the request: Asterisk may send the channel's events before answering it.
    this.track(call);
    this.fact(
      call,
      CallStarted,
      {
        callId,
        direction: 'outbound',
        from: s.from,
        to: s.to,
        campaignId: command.campaignId,
        node: this.options.nodeId,
      },
      'started',
    );
    try {
      await this.ari.originate({
        channelId,
        endpoint: `PJSIP/${command.destination}@${command.trunk}`,
        app: this.options.app,
        appArgs: ['outbound', callId],
        callerId: command.callerId,
        timeoutSeconds: command.ringTimeoutSeconds,
        ...(Object.keys(command.variables).length > 0 ? { variables: command.variables } : {}),
      });
    } catch (error) {
      this.logger.warn(`call ${callId}: originate to ${command.destination} failed: ${describe(error)}`);
      await this.end(call, 'system', error instanceof AriHttpError && error.status >= 500 ? 38 : undefined);
      throw new AppError(ErrorKind.Unavailable, `the call to ${command.destination} could not be placed`, {
        code: 'telephony.originate_failed',
      });
    }
    return { callId, state: call.ended ? 'ended' : s.state, alreadyOriginated: false };
  }

  /** The customer answered: the originated channel entered Stasis with args ["outbound", callId]. */
  async onOutboundAnswered(channelId: string): Promise<void> {
    const call = this.byChannel.get(channelId);
    if (!call || call.ended || call.s.direction !== 'outbound') {
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      return;
    }
    const s = call.s;
    if (s.state !== 'dialing') return;
    const deadline = s.maxConnectDelayMs ?? 2_000;
    const timer = setTimeout(() => {
      void this.safeHarbour(call).catch((error: unknown) => {
        if (!(error instanceof CallGoneError))
          this.logger.warn(`safe harbour ${s.callId}: ${describe(error)}`);
      });
    }, deadline);
    timer.unref();
    await this.enqueue(call);
  }

  /** No agent in time: the call counts as abandoned, the customer hears the tenant's message. */
  private async safeHarbour(call: Call): Promise<void> {
    const s = call.s;
    if (call.ended || s.state === 'connected' || s.state === 'held' || s.agentLeg?.answered) return;
    const stateThen = s.state;
    const now = this.clock.now();
    s.state = 'closing';
    this.save(call);
    const leg = s.agentLeg;
    if (leg) {
      s.agentLeg = undefined;
      s.ringMs += Math.max(0, now - leg.startedAt);
      this.byAgentChannel.delete(leg.channelId);
      await ignoreGone(this.ari.hangup(leg.channelId, 'normal')).catch(() => undefined);
    }
    this.fact(
      call,
      CallAbandoned,
      {
        callId: s.callId,
        direction: 'outbound',
        ...(s.queueId ? { queueId: s.queueId } : {}),
        waitMs: Math.max(0, now - (s.queuedAt ?? now)),
        stage: 'outbound_no_agent',
      },
      'abandoned',
    );
    if (stateThen === 'queued' || stateThen === 'ringing') {
      await this.acd
        .cancel(s.tenantId, s.callId, AcdV1.CancelReason.CANCEL_REASON_MAX_WAIT_REACHED)
        .catch((error: unknown) => this.logger.warn(`cancel ${s.callId}: ${describe(error)}`));
    }
    await ignoreGone(this.ari.stopMoh(s.channelId));
    await call.io.play(s.settings.safeHarbourPrompt).catch(() => undefined);
    await this.hangupCaller(call, 'system');
  }

  // ---------------------------------------------------------------- in call (gRPC commands)

  /** The call of `tenantId`, or not found (another tenant's call is not found either). */
  private callOf(tenantId: string, callId: string): Call {
    const call = this.byCallId.get(callId);
    if (!call || call.ended || call.s.tenantId !== tenantId) throw AppError.notFound('call', callId);
    return call;
  }

  view(tenantId: string, callId: string): CallSnapshot {
    return { ...this.callOf(tenantId, callId).s };
  }

  /** The customer leaves the conversation for music; the agent stays in the bridge. */
  async hold(tenantId: string, callId: string): Promise<CallState> {
    const call = this.callOf(tenantId, callId);
    const s = call.s;
    if (s.state === 'held') return 'held';
    if (s.state !== 'connected' || !s.bridgeId) throw notInState(callId, s.state, 'connected');
    const now = this.clock.now();
    s.state = 'held';
    s.holdStartedAt = now;
    s.holdCount += 1;
    this.stopTalking(s, now);
    this.save(call);
    await ignoreGone(this.ari.removeChannel(s.bridgeId, s.channelId));
    await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
    this.fact(
      call,
      CallHeld,
      { callId, ...(s.agent ? { agentId: s.agent.agentId } : {}) },
      `held:${s.holdCount}`,
    );
    return 'held';
  }

  async resume(tenantId: string, callId: string): Promise<CallState> {
    const call = this.callOf(tenantId, callId);
    const s = call.s;
    if (s.state === 'connected') return 'connected';
    if (s.state !== 'held' || !s.bridgeId) throw notInState(callId, s.state, 'held');
    const now = this.clock.now();
    const heldMs = Math.max(0, now - (s.holdStartedAt ?? now));
    s.holdMs += heldMs;
    s.holdStartedAt = undefined;
    s.state = 'connected';
    s.talkingSince = now;
    this.save(call);
    await ignoreGone(this.ari.stopMoh(s.channelId));
    await this.ari.addChannels(s.bridgeId, [s.channelId]);
    this.fact(
      call,
      CallResumed,
      { callId, ...(s.agent ? { agentId: s.agent.agentId } : {}), heldMs },
      `resumed:${s.holdCount}`,
    );
    return 'connected';
  }

  /**
   * Blind transfer: the agent leaves (its leg hung up, wrap-up starts) and the customer goes to
   * another queue (enqueued again, with music meanwhile) or is referred to an external number.
   */
  async transfer(
    tenantId: string,
    callId: string,
    target: { kind: 'queue'; queueId: string } | { kind: 'external'; number: string },
  ): Promise<CallState> {
    const call = this.callOf(tenantId, callId);
    const s = call.s;
    if (s.state !== 'connected' && s.state !== 'held') throw notInState(callId, s.state, 'connected');
    const now = this.clock.now();
    this.stopTalking(s, now);
    if (s.holdStartedAt !== undefined) {
      s.holdMs += now - s.holdStartedAt;
      s.holdStartedAt = undefined;
    }
    const agent = s.agent;
    const bridgeId = s.bridgeId;
    s.transferCount += 1;
    s.agent = undefined;
    s.bridgeId = undefined;
    s.state = target.kind === 'queue' ? 'queued' : 'transferred';
    this.save(call);
    if (agent) this.byAgentChannel.delete(agent.channelId);
    this.fact(
      call,
      CallTransferred,
      {
        callId,
        ...(agent ? { fromAgentId: agent.agentId } : {}),
        target: target.kind === 'queue' ? target : { kind: 'external', number: target.number },
      },
      `transferred:${s.transferCount}`,
    );
    void this.stopAllMonitoring(callId);
    if (agent) {
      await ignoreGone(this.ari.hangup(agent.channelId, 'normal')).catch(() => undefined);
      await this.acd
        .startWrapUp(s.tenantId, agent, new Date(now))
        .catch((error: unknown) => this.logger.warn(`wrap-up ${callId}: ${describe(error)}`));
    }
    if (bridgeId) {
      await ignoreGone(this.ari.removeChannel(bridgeId, s.channelId)).catch(() => undefined);
      await ignoreGone(this.ari.destroyBridge(bridgeId)).catch(() => undefined);
    }
    if (target.kind === 'external') {
      // A SIP REFER to the customer: the channel stays ours (and up) until the customer hangs up.
      await ignoreGone(this.ari.stopMoh(s.channelId));
      await this.ari.redirect(s.channelId, `PJSIP/${target.number}@${this.options.transferTrunk ?? 'trunk'}`);
      return 'transferred';
    }
    s.queueId = target.queueId;
    s.queuedAt = undefined;
    await ignoreGone(this.ari.startMoh(s.channelId, s.mohClass));
    await this.enqueue(call);
    return call.ended ? 'ended' : s.state;
  }

  /** Hangs the call up on request (an agent's desktop, a supervisor, the system). */
  async hangupOnRequest(tenantId: string, callId: string, by: HangupSide): Promise<boolean> {
    const call = this.byCallId.get(callId);
    if (!call || call.s.tenantId !== tenantId) throw AppError.notFound('call', callId);
    if (call.ended) return false;
    await this.hangupCaller(call, by);
    return true;
  }

  // ---------------------------------------------------------------- supervisor monitoring

  private readonly monitors = new Map<string, Monitor>();
  private readonly monitorBySupervisorChannel = new Map<string, Monitor>();
  private monitorSeq = 0;

  /**
   * Snoops the agent's channel (spy both: the supervisor hears agent and customer; whisper out:
   * the supervisor speaks into the agent's ear only) and rings the supervisor's phone; on answer the
   * snoop and the supervisor meet in a bridge of their own.
   */
  async startMonitoring(
    tenantId: string,
    callId: string,
    supervisor: { supervisorId: string; endpoint: string; mode: 'listen' | 'whisper' },
  ): Promise<string> {
    const call = this.callOf(tenantId, callId);
    const s = call.s;
    if ((s.state !== 'connected' && s.state !== 'held') || !s.agent)
      throw notInState(callId, s.state, 'connected');
    this.monitorSeq += 1;
    const monitoringId = `${callId}-mon-${this.monitorSeq}`;
    const monitor: Monitor = {
      monitoringId,
      callId,
      supervisorId: supervisor.supervisorId,
      snoopChannelId: `${monitoringId}-snoop`,
      supervisorChannelId: `${monitoringId}-sup`,
      bridgeId: `${monitoringId}-bridge`,
      stopped: false,
    };
    this.monitors.set(monitoringId, monitor);
    this.monitorBySupervisorChannel.set(monitor.supervisorChannelId, monitor);
    try {
      await this.ari.snoop(
        s.agent.channelId,
        monitor.snoopChannelId,
        'both',
        supervisor.mode === 'whisper' ? 'out' : 'none',
        this.options.app,
        `snoop,${callId}`,
      );
      await this.ari.originate({
        channelId: monitor.supervisorChannelId,
        endpoint: supervisor.endpoint,
        app: this.options.app,
        appArgs: ['supervisor', monitoringId],
        callerId: s.from,
        timeoutSeconds: 30,
      });
    } catch (error) {
      await this.stopMonitoringNow(monitor);
      if (error instanceof AriHttpError && error.status >= 500)
        throw AppError.invalid(
          [{ field: 'supervisor_endpoint', rule: 'reachable', message: 'cannot be dialed' }],
          `supervisor endpoint ${supervisor.endpoint} cannot be dialed`,
        );
      throw error;
    }
    return monitoringId;
  }

  async stopMonitoring(tenantId: string, callId: string, monitoringId: string): Promise<boolean> {
    const call = this.byCallId.get(callId);
    if (!call || call.s.tenantId !== tenantId) throw AppError.notFound('call', callId);
    const monitor = this.monitors.get(monitoringId);
    if (!monitor || monitor.callId !== callId) return false;
    await this.stopMonitoringNow(monitor);
    return true;
  }

  /** The supervisor answered: their leg entered Stasis with args ["supervisor", monitoringId]. */
  async onSupervisorAnswered(channelId: string): Promise<void> {
    const monitor = this.monitorBySupervisorChannel.get(channelId);
    if (!monitor || monitor.stopped) {
      await ignoreGone(this.ari.hangup(channelId, 'normal'));
      return;
    }
    try {
      await this.ari.createBridge(monitor.bridgeId, 'mixing', `monitor-${monitor.callId}`);
      await this.ari.addChannels(monitor.bridgeId, [monitor.snoopChannelId, channelId]);
    } catch (error) {
      this.logger.warn(`monitoring ${monitor.monitoringId}: ${describe(error)}`);
      await this.stopMonitoringNow(monitor);
    }
  }

  private async stopMonitoringNow(monitor: Monitor): Promise<void> {
    if (monitor.stopped) return;
    monitor.stopped = true;
    this.monitors.delete(monitor.monitoringId);
    this.monitorBySupervisorChannel.delete(monitor.supervisorChannelId);
    await ignoreGone(this.ari.hangup(monitor.supervisorChannelId, 'normal')).catch(() => undefined);
    await ignoreGone(this.ari.hangup(monitor.snoopChannelId, 'normal')).catch(() => undefined);
    await ignoreGone(this.ari.destroyBridge(monitor.bridgeId)).catch(() => undefined);
  }

  private async stopAllMonitoring(callId: string): Promise<void> {
    for (const monitor of [...this.monitors.values()])
      if (monitor.callId === callId) await this.stopMonitoringNow(monitor);
  }

  /** Monitoring ids of a call that still run (tests, GetCall). */
  monitoringOf(callId: string): string[] {
    return [...this.monitors.values()].filter((m) => m.callId === callId).map((m) => m.monitoringId);
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
    const monitor = this.monitorBySupervisorChannel.get(channelId);
    if (monitor) {
      await this.stopMonitoringNow(monitor);
      return;
    }
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
    void this.stopAllMonitoring(s.callId);
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
    this.stopTalking(s, now);
    const talkMs = s.talkMs;
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

  /** Fact id suffixes of steps that repeat after a transfer (queued, answered, connected). */
  private nth(s: CallSnapshot, step: string): string {
    return s.transferCount > 0 ? `${step}:${s.transferCount}` : step;
  }

  private stopTalking(s: CallSnapshot, now: number): void {
    if (s.talkingSince === undefined) return;
    s.talkMs += Math.max(0, now - s.talkingSince);
    s.talkingSince = undefined;
  }

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

interface Monitor {
  monitoringId: string;
  callId: string;
  supervisorId: string;
  snoopChannelId: string;
  supervisorChannelId: string;
  bridgeId: string;
  stopped: boolean;
}

function notInState(callId: string, state: CallState, wanted: CallState): AppError {
  return new AppError(ErrorKind.FailedPrecondition, `call ${callId} is ${state}, not ${wanted}`, {
    code: 'telephony.call_state',
  });
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
