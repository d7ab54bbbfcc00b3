import { randomUUID } from 'node:crypto';
import { asteriskTimestamp, type Clock, type TimerId } from './clock';
import {
  AriError,
  allocationFailed,
  bridgeNotFound,
  channelNotFound,
  missingParameter,
  notInStasis,
  playbackNotFound,
  recordingNotFound,
} from './ari-error';
import type {
  ApplicationJson,
  BridgeJson,
  ChannelJson,
  ChannelState,
  EndpointJson,
  LiveRecordingJson,
  PlaybackJson,
  StoredRecordingJson,
} from './ari-model.type';
import { defaultDialplan, endpointContext, findExtension, substitute, type Dialplan } from './dialplan';
import { EventBus, type AriEventBody, type EventSubjects } from './event-bus';
import { knownSoundIds, mediaDurationMs, parseMediaUri } from './media-catalogue';
import type {
  CallOutcome,
  Channel,
  ChannelRole,
  EndpointBehaviour,
  InboundCallSpec,
  PlaybackTarget,
  TalkSegment,
} from './world.types';

export const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  23: 'Redirected to new destination',
  26: 'Answered elsewhere',
  28: 'Invalid number format (incomplete number)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

const HANGUP_REASONS: Readonly<Record<string, number>> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

const RECORDING_FORMATS = new Set([
  'wav',
  'wav16',
  'gsm',
  'ulaw',
  'alaw',
  'sln',
  'slin',
  'g722',
  'g729',
  'ogg',
]);
const DEFAULT_ORIGINATE_TIMEOUT_S = 30;
const DEFAULT_BUSY_AFTER_MS = 500;
const DEFAULT_REFER_HANGUP_MS = 500;
/** Asterisk's talk detector reports the end after 2.5 s of silence. */
const TALK_SILENCE_MS = 2500;
const DTMF_DURATION_MS = 280;
const DTMF_GAP_MS = 400;

interface Bridge {
  readonly id: string;
  readonly name: string;
  readonly bridgeType: 'mixing' | 'holding';
  readonly channels: string[];
  readonly createdAt: number;
  moh: string | undefined;
  recordingName: string | undefined;
  recorderName: string | undefined;
}

interface Playback {
  readonly id: string;
  readonly media: string[];
  index: number;
  readonly target: PlaybackTarget;
  readonly language: string;
  state: 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed';
  timer: TimerId | undefined;
  /** Length of the current media in ms; undefined: until stopped. */
  durationMs: number | undefined;
  /** Simulated time at which the current media would end if nothing changes. */
  endsAt: number | undefined;
  remainingMs: number | undefined;
  skipMs: number;
}

interface LiveRecording {
  readonly name: string;
  readonly format: string;
  readonly target: PlaybackTarget;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  readonly startedAt: number;
  pausedAt: number | undefined;
  pausedMs: number;
  muted: boolean;
  readonly baseMs: number;
  timer: TimerId | undefined;
}

interface StoredRecording {
  readonly name: string;
  readonly format: string;
  readonly durationMs: number;
}

export interface WorldOptions {
  clock: Clock;
  defaultApp?: string;
  dialplan?: Dialplan;
  /** Lengths of prompts the app uses, in simulated ms (others default to 2 s). */
  soundDurationsMs?: Record<string, number>;
}

export interface OriginateParams {
  endpoint?: string;
  app?: string;
  appArgs?: string;
  callerId?: string;
  timeout?: string;
  variables?: Record<string, string>;
  channelId?: string;
  otherChannelId?: string;
  extension?: string;
  context?: string;
  priority?: string;
}

interface HangupPlan {
  cause: number;
  /** The ChannelHangupRequest body (null: none is sent, as for a CANCEL on timeout). */
  request: Record<string, unknown> | null;
  techCause?: number;
  by: 'remote' | 'app' | 'system';
}

export function parseCallerId(value: string | undefined): { name: string; number: string } {
  if (!value) return { name: '', number: '' };
  const match = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(value);
  if (match) return { name: (match[1] ?? match[2] ?? '').trim(), number: (match[3] ?? '').trim() };
  return { name: '', number: value.trim() };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * The simulated Asterisk: channels, bridges, playbacks, recordings and the far ends of calls. Pure domain code:
 * no sockets, time comes from the injected clock, events leave through the bus.
 */
export class AsteriskWorld {
  readonly bus: EventBus;
  readonly clock: Clock;
  defaultApp: string;
  private dialplan: Dialplan;
  private readonly channels = new Map<string, Channel>();
  private readonly bridges = new Map<string, Bridge>();
  private readonly playbacks = new Map<string, Playback>();
  private readonly playbackQueues = new Map<string, string[]>();
  private readonly liveRecordings = new Map<string, LiveRecording>();
  private readonly storedRecordings = new Map<string, StoredRecording>();
  private readonly endpoints = new Map<string, EndpointBehaviour>();
  private readonly outcomes = new Map<string, CallOutcome>();
  private readonly endedOrder: CallOutcome[] = [];
  private readonly globals = new Map<string, string>();
  private readonly snoopsByTarget = new Map<string, string[]>();
  private readonly extraSounds: Map<string, number>;
  private readonly startedAt: number;
  private channelSeq = 0;
  private pjsipSeq = 0;
  private localSeq = 0;
  private snoopSeq = 0;
  private recorderSeq = 0;
  private callIdSeq = 14000;

  constructor(options: WorldOptions) {
    this.clock = options.clock;
    this.defaultApp = options.defaultApp ?? 'callcenter';
    this.dialplan = options.dialplan ?? defaultDialplan(this.defaultApp);
    this.extraSounds = new Map(Object.entries(options.soundDurationsMs ?? {}));
    this.bus = new EventBus(() => asteriskTimestamp(this.clock.now()));
    this.startedAt = this.clock.now();
  }

  // ---------------------------------------------------------------- serialisation

  channelJson(ch: Channel): ChannelJson {
    return {
      id: ch.id,
      name: ch.name,
      state: ch.state,
      protocol_id: ch.protocolId,
      caller: { ...ch.caller },
      connected: { ...ch.connected },
      accountcode: '',
      dialplan: { ...ch.dialplan },
      creationtime: ch.creationtime,
      language: 'en',
    };
  }

  private bridgeTechnology(bridge: Bridge): string {
    if (bridge.bridgeType === 'holding') return 'holding_bridge';
    return bridge.recordingName !== undefined || bridge.channels.length > 2 ? 'softmix' : 'simple_bridge';
  }

  bridgeJson(bridge: Bridge): BridgeJson {
    return {
      id: bridge.id,
      technology: this.bridgeTechnology(bridge),
      bridge_type: bridge.bridgeType,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: bridge.name,
      channels: [...bridge.channels],
      creationtime: asteriskTimestamp(bridge.createdAt),
      video_mode: 'talker',
    };
  }

  private playbackJson(pb: Playback): PlaybackJson {
    const json: PlaybackJson = {
      id: pb.id,
      media_uri: pb.media[pb.index] ?? '',
      target_uri: `${pb.target.kind}:${pb.target.id}`,
      language: pb.language,
      state: pb.state,
    };
    const next = pb.media[pb.index + 1];
    if (next !== undefined) {
      return {
        id: json.id,
        media_uri: json.media_uri,
        next_media_uri: next,
        target_uri: json.target_uri,
        language: json.language,
        state: json.state,
      };
    }
    return json;
  }

  private recordingJson(rec: LiveRecording, withDuration = false): LiveRecordingJson {
    const json: LiveRecordingJson = {
      name: rec.name,
      format: rec.format,
      state: rec.state,
      target_uri: `${rec.target.kind}:${rec.target.id}`,
    };
    if (withDuration) json.duration = Math.floor(this.recordedMs(rec) / 1000);
    return json;
  }

  // ---------------------------------------------------------------- events

  /** Builds the event only when some app will receive it (most events of a busy hour reach one app or none). */
  private emit(body: AriEventBody | (() => AriEventBody), subjects: EventSubjects): void {
    const recipients = this.bus.recipients(subjects);
    if (recipients.length === 0) return;
    this.bus.publish(typeof body === 'function' ? body() : body, subjects, recipients);
  }

  private emitChannel(type: string, ch: Channel, extra: Record<string, unknown> = {}): void {
    this.emit(() => ({ type, ...extra, channel: this.channelJson(ch) }), { channels: [ch.id] });
  }

  private setVar(ch: Channel, name: string, value: string): void {
    ch.variables.set(name, value);
    this.emitChannel('ChannelVarset', ch, { variable: name, value });
  }

  private setState(ch: Channel, state: ChannelState): void {
    if (ch.state === state) return;
    ch.state = state;
    this.emitChannel('ChannelStateChange', ch);
  }

  private emitDial(peer: Channel, dialstatus: string): void {
    this.emit(
      () => ({
        type: 'Dial',
        dialstatus,
        forward: '',
        dialstring: peer.dialString,
        peer: this.channelJson(peer),
      }),
      { channels: [peer.id] },
    );
  }

  // ---------------------------------------------------------------- timers

  private after(ch: Channel, ms: number, fn: () => void): TimerId {
    const id = this.clock.setTimer(ms, () => {
      ch.timers.delete(id);
      if (!ch.destroyed) fn();
    });
    ch.timers.add(id);
    return id;
  }

  // ---------------------------------------------------------------- lookup helpers

  private nextChannelId(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.channelSeq++}`;
  }

  getChannel(id: string): Channel {
    const ch = this.channels.get(id);
    if (!ch || ch.destroyed) throw channelNotFound();
    return ch;
  }

  private stasisChannel(id: string): Channel {
    const ch = this.getChannel(id);
    if (!ch.stasisApp) throw notInStasis();
    return ch;
  }

  private getBridge(id: string): Bridge {
    const bridge = this.bridges.get(id);
    if (!bridge) throw bridgeNotFound();
    return bridge;
  }

  // ---------------------------------------------------------------- channel creation

  private createChannel(init: {
    id?: string;
    name: string;
    tech: string;
    role: ChannelRole;
    state: ChannelState;
    protocolId: string;
    caller: { name: string; number: string };
    connected: { name: string; number: string };
    dialplan: ChannelJson['dialplan'];
    dialString: string;
    endpointKey: string;
  }): Channel {
    const id = init.id ?? this.nextChannelId();
    const now = this.clock.now();
    const ch: Channel = {
      id,
      name: init.name,
      tech: init.tech,
      role: init.role,
      state: init.state,
      protocolId: init.protocolId,
      caller: init.caller,
      connected: init.connected,
      dialplan: init.dialplan,
      createdAt: now,
      creationtime: asteriskTimestamp(now),
      variables: new Map(),
      stasisApp: undefined,
      originateApp: undefined,
      originateArgs: [],
      bridgeId: undefined,
      timers: new Set(),
      hangupRequested: false,
      destroyed: false,
      answeredAt: undefined,
      moh: undefined,
      onHold: false,
      muted: undefined,
      silenced: false,
      ringing: false,
      talkDetect: false,
      behaviour: undefined,
      inbound: undefined,
      localPeer: undefined,
      dialPeer: undefined,
      program: undefined,
      dialplanTarget: undefined,
      snoopOf: undefined,
      snoopDirections: undefined,
      dialString: init.dialString,
      endpointKey: init.endpointKey,
      originateTimer: undefined,
    };
    this.channels.set(id, ch);
    this.outcomes.set(id, {
      channelId: id,
      name: ch.name,
      direction: ch.role,
      endpoint: init.endpointKey,
      from: ch.caller.number,
      to: init.dialplan.exten === 's' ? init.dialString : init.dialplan.exten,
      createdAt: asteriskTimestamp(ch.createdAt),
      answeredAt: null,
      endedAt: null,
      cause: null,
      causeTxt: null,
      hungUpBy: null,
      dtmfSentByApp: '',
      dtmfPressed: '',
      bridged: false,
      connectedAt: null,
      connectedTo: null,
      redirectedTo: null,
      continuedTo: null,
      media: [],
    });
    this.emitChannel('ChannelCreated', ch);
    return ch;
  }

  private outcome(ch: Channel): CallOutcome | undefined {
    return this.outcomes.get(ch.id);
  }

  // ---------------------------------------------------------------- the outside world: endpoints and callers

  setEndpointBehaviour(key: string, behaviour: EndpointBehaviour): void {
    this.endpoints.set(key, behaviour);
  }

  deleteEndpointBehaviour(key: string): boolean {
    return this.endpoints.delete(key);
  }

  listEndpointBehaviours(): { endpoint: string; behaviour: EndpointBehaviour }[] {
    return [...this.endpoints.entries()].map(([endpoint, behaviour]) => ({ endpoint, behaviour }));
  }

  /**
   * Finds how `tech/resource` behaves: an exact entry, then glob entries (`PJSIP/*@trunk`), then the endpoint
   * after `@` (`PJSIP/15550002222@sipp` dials through endpoint `sipp`).
   */
  private resolveBehaviour(tech: string, resource: string): EndpointBehaviour | undefined {
    const key = `${tech}/${resource}`;
    const exact = this.endpoints.get(key);
    if (exact) return exact;
    for (const [pattern, behaviour] of this.endpoints) {
      if (!pattern.includes('*')) continue;
      const regex = new RegExp(
        `^${pattern
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      if (regex.test(key)) return behaviour;
    }
    const at = resource.indexOf('@');
    if (at >= 0) return this.endpoints.get(`${tech}/${resource.slice(at + 1)}`);
    return undefined;
  }

  /** A call arrives from the network and runs the inbound dialplan, which puts it into Stasis(app, inbound, DID). */
  placeInboundCall(spec: InboundCallSpec): Channel {
    const app = spec.app ?? this.defaultApp;
    if (!this.bus.getApp(app)) {
      throw AriError.message(
        409,
        `Stasis application '${app}' is not registered (no WebSocket has connected for it)`,
      );
    }
    const endpoint = spec.endpoint ?? 'sipp';
    const ch = this.createChannel({
      name: `PJSIP/${endpoint}-${hex8(++this.pjsipSeq)}`,
      tech: 'PJSIP',
      role: 'inbound',
      state: 'Ring',
      protocolId: `1-${this.callIdSeq++}@127.0.0.1`,
      caller: { name: spec.callerName ?? spec.from, number: spec.from },
      connected: { name: '', number: '' },
      dialplan: {
        context: endpointContext(endpoint),
        exten: spec.to,
        priority: 1,
        app_name: '',
        app_data: '',
      },
      dialString: spec.to,
      endpointKey: `PJSIP/${endpoint}`,
    });
    ch.inbound = spec;
    ch.variables.set('SIM_APP', app);
    if (spec.hangupAfterMs !== undefined && spec.hangupAfterMs !== null) {
      this.after(ch, spec.hangupAfterMs, () => this.remoteHangup(ch));
    }
    if (spec.patienceMs !== undefined) {
      this.after(ch, spec.patienceMs, () => {
        if (this.outcome(ch)?.connectedAt === null) this.remoteHangup(ch);
      });
    }
    this.runDialplan(ch, ch.dialplan.context, spec.to, 1);
    return ch;
  }

  /** The far end hangs up (a BYE from the caller or callee). */
  remoteHangup(ch: Channel): void {
    this.hangup(ch, { cause: 16, request: {}, by: 'remote' });
  }

  /** The far end presses digits (RFC 4733), one event per digit. */
  pressDigits(ch: Channel, digits: string): void {
    [...digits].forEach((digit, i) => {
      this.after(ch, i * DTMF_GAP_MS, () => this.receiveDigit(ch, digit));
    });
  }

  private receiveDigit(ch: Channel, digit: string): void {
    const outcome = this.outcome(ch);
    if (outcome) outcome.dtmfPressed += digit;
    this.emitChannel('ChannelDtmfReceived', ch, { digit, duration_ms: DTMF_DURATION_MS });
  }

  /** The far end speaks for `durationMs` (TALK_DETECT reports it when enabled). */
  talk(ch: Channel, segment: TalkSegment): void {
    this.after(ch, segment.afterMs, () => {
      if (ch.talkDetect) this.emitChannel('ChannelTalkingStarted', ch);
      this.after(ch, segment.durationMs + TALK_SILENCE_MS, () => {
        if (ch.talkDetect) this.emitChannel('ChannelTalkingFinished', ch, { duration: segment.durationMs });
      });
    });
  }

  /** Starts what the far end does once the call is up: digits, speech, its own hang-up. */
  private startRemoteScript(ch: Channel): void {
    const script = ch.inbound ?? ch.behaviour;
    if (!script) return;
    for (const press of script.dtmf ?? [])
      this.after(ch, press.afterMs, () => this.pressDigits(ch, press.digits));
    for (const segment of script.talk ?? []) this.talk(ch, segment);
    if (ch.behaviour && ch.behaviour.hangupAfterMs !== undefined && ch.behaviour.hangupAfterMs !== null) {
      this.after(ch, ch.behaviour.hangupAfterMs, () => this.remoteHangup(ch));
    }
  }

  // ---------------------------------------------------------------- Stasis

  private enterStasis(ch: Channel, app: string, args: string[]): void {
    // Asterisk sets STASISSTATUS before the app subscribes: only an originate's own subscription sees it.
    this.setVar(ch, 'STASISSTATUS', '');
    ch.stasisApp = app;
    ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    this.bus.subscribeChannel(app, ch.id);
    this.emitChannel('StasisStart', ch, { args });
  }

  private leaveStasis(ch: Channel): void {
    const app = ch.stasisApp;
    if (!app) return;
    this.emitChannel('StasisEnd', ch);
    ch.stasisApp = undefined;
    if (ch.originateApp !== app) this.bus.unsubscribeChannel(app, ch.id);
    this.setVar(ch, 'STASISSTATUS', 'SUCCESS');
  }

  // ---------------------------------------------------------------- dialplan

  private runDialplan(ch: Channel, context: string, exten: string, priority: number): void {
    const steps = findExtension(this.dialplan, context, exten);
    if (!steps || priority < 1 || priority > steps.length) {
      ch.program = undefined;
      this.hangup(ch, { cause: steps ? 16 : 1, request: { cause: steps ? 16 : 1 }, by: 'system' });
      return;
    }
    ch.dialplan = { ...ch.dialplan, context, exten, priority };
    ch.program = { steps, index: priority - 1 };
    this.stepDialplan(ch);
  }

  private nextStep(ch: Channel): void {
    if (!ch.program || ch.destroyed) return;
    ch.program.index++;
    this.stepDialplan(ch);
  }

  private lookupVar(ch: Channel, name: string): string | undefined {
    if (name === 'EXTEN') return ch.dialplan.exten;
    if (name === 'CONTEXT') return ch.dialplan.context;
    return ch.variables.get(name) ?? this.globals.get(name);
  }

  private stepDialplan(ch: Channel): void {
    const program = ch.program;
    if (!program || ch.destroyed || ch.hangupRequested) return;
    const step = program.steps[program.index];
    if (!step) {
      this.hangup(ch, { cause: 16, request: { cause: 16 }, by: 'system' });
      return;
    }
    const data = substitute(step.data, (name) => this.lookupVar(ch, name));
    ch.dialplan = { ...ch.dialplan, priority: program.index + 1, app_name: step.app, app_data: data };
    if (step.app !== 'Stasis') {
      this.emitChannel('ChannelDialplan', ch, { dialplan_app: step.app, dialplan_app_data: data });
    }
    switch (step.app) {
      case 'NoOp':
        return this.nextStep(ch);
      case 'Set': {
        const eq = data.indexOf('=');
        if (eq > 0) this.setVar(ch, data.slice(0, eq), data.slice(eq + 1));
        return this.nextStep(ch);
      }
      case 'Answer':
        this.answerFromDialplan(ch);
        return this.nextStep(ch);
      case 'Ringing':
        if (ch.localPeer) this.farEndRinging(ch.localPeer);
        return this.nextStep(ch);
      case 'Wait': {
        const seconds = Number(data) || 0;
        this.after(ch, seconds * 1000, () => this.nextStep(ch));
        return;
      }
      case 'Busy':
        return this.busyFromDialplan(ch);
      case 'Hangup':
        this.hangup(ch, { cause: 16, request: { cause: 16 }, by: 'system' });
        return;
      case 'Stasis': {
        const [app = this.defaultApp, ...args] = data.split(',');
        program.index++;
        if (!this.bus.getApp(app)) {
          this.setVar(ch, 'STASISSTATUS', 'FAILED');
          return this.stepDialplan(ch);
        }
        this.enterStasis(ch, app, args);
        return;
      }
      case 'Dial':
        return this.dialFromDialplan(ch, data);
      default:
        return this.nextStep(ch);
    }
  }

  private answerFromDialplan(ch: Channel): void {
    if (ch.state === 'Up') return;
    this.setState(ch, 'Up');
    ch.answeredAt = this.clock.now();
    const peer = ch.localPeer;
    if (ch.role === 'local2' && peer && !peer.destroyed) this.farEndAnswered(peer);
  }

  private busyFromDialplan(ch: Channel): void {
    const peer = ch.localPeer;
    if (ch.role === 'local2' && peer && !peer.destroyed) {
      this.emitDial(peer, 'BUSY');
      this.emitChannel('ChannelHangupRequest', ch, { cause: 0 });
      this.clearOriginateTimer(peer);
      this.destroy(peer, 0, undefined, 'remote');
      ch.state = 'Busy';
      this.emitChannel('ChannelStateChange', ch);
      this.hangup(ch, { cause: 17, request: { cause: 16, soft: true }, by: 'system' });
      return;
    }
    ch.state = 'Busy';
    this.emitChannel('ChannelStateChange', ch);
    this.after(ch, 5000, () => this.hangup(ch, { cause: 17, request: { cause: 17 }, by: 'system' }));
  }

  /** Dial(PJSIP/x,timeout) from the dialplan: the callee rings per its behaviour; the app never sees this leg. */
  private dialFromDialplan(ch: Channel, data: string): void {
    const [target = '', timeoutText] = data.split(',');
    let callee: Channel;
    try {
      callee = this.createOutboundLeg(target, { caller: ch.caller, role: 'dialed' });
    } catch {
      ch.variables.set('DIALSTATUS', 'CHANUNAVAIL');
      return this.nextStep(ch);
    }
    ch.dialPeer = callee;
    callee.dialPeer = ch;
    ch.connected = { name: '', number: ch.dialplan.exten };
    const timeoutS = Number(timeoutText) > 0 ? Number(timeoutText) : DEFAULT_ORIGINATE_TIMEOUT_S;
    this.startFarEnd(callee, timeoutS);
  }

  /** What follows when a Dial() leg ends: the caller goes on in the dialplan. */
  private dialLegEnded(callee: Channel, status: string): void {
    const caller = callee.dialPeer;
    callee.dialPeer = undefined;
    if (!caller || caller.destroyed) return;
    caller.dialPeer = undefined;
    caller.variables.set('DIALSTATUS', status);
    this.nextStep(caller);
  }

  // ---------------------------------------------------------------- originate

  /** Parses `tech/resource` and creates the channel (and its Local half); throws Asterisk's errors. */
  private createOutboundLeg(
    endpoint: string,
    opts: {
      caller: { name: string; number: string };
      role: ChannelRole;
      channelId?: string;
      otherChannelId?: string;
    },
  ): Channel {
    const slash = endpoint.indexOf('/');
    if (slash <= 0) throw AriError.message(400, 'Invalid endpoint specified');
    const tech = endpoint.slice(0, slash);
    const resource = endpoint.slice(slash + 1);
    if (tech.toLowerCase() === 'local') {
      const at = resource.indexOf('@');
      const exten = at >= 0 ? resource.slice(0, at) : resource;
      const context = at >= 0 ? resource.slice(at + 1) : 'default';
      if (!findExtension(this.dialplan, context, exten)) throw allocationFailed();
      const n = hex8(this.localSeq++);
      const base = `Local/${resource}-${n}`;
      const dialplan = { context, exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
      const one = this.createChannel({
        ...(opts.channelId ? { id: opts.channelId } : {}),
        name: `${base};1`,
        tech: 'Local',
        role: opts.role === 'dialed' ? 'dialed' : 'local1',
        state: 'Down',
        protocolId: '',
        caller: { ...opts.caller },
        connected: { ...opts.caller },
        dialplan,
        dialString: resource,
        endpointKey: `Local/${resource}`,
      });
      const two = this.createChannel({
        ...(opts.otherChannelId ? { id: opts.otherChannelId } : {}),
        name: `${base};2`,
        tech: 'Local',
        role: 'local2',
        state: 'Ring',
        protocolId: '',
        caller: { ...opts.caller },
        connected: { ...opts.caller },
        dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
        dialString: resource,
        endpointKey: `Local/${resource}`,
      });
      one.localPeer = two;
      two.localPeer = one;
      return one;
    }
    if (tech !== 'PJSIP') throw allocationFailed();
    const behaviour = this.resolveBehaviour(tech, resource);
    if (!behaviour) throw allocationFailed();
    const at = resource.indexOf('@');
    const endpointName = at >= 0 ? resource.slice(at + 1) : resource;
    const ch = this.createChannel({
      ...(opts.channelId ? { id: opts.channelId } : {}),
      name: `PJSIP/${endpointName}-${hex8(++this.pjsipSeq)}`,
      tech,
      role: opts.role,
      state: 'Down',
      protocolId: randomUUID(),
      caller: { ...opts.caller },
      connected: { ...opts.caller },
      dialplan: {
        context: 'from-sipp',
        exten: 's',
        priority: 1,
        app_name: 'AppDial2',
        app_data: '(Outgoing Line)',
      },
      dialString: resource,
      endpointKey: `${tech}/${resource}`,
    });
    ch.behaviour = behaviour;
    return ch;
  }

  originate(params: OriginateParams): ChannelJson {
    const endpoint = params.endpoint;
    if (!endpoint) throw AriError.message(400, 'Endpoint must be specified');
    if (!params.app && !params.extension)
      throw AriError.message(400, 'Application or extension must be specified');
    for (const id of [params.channelId, params.otherChannelId]) {
      if (id && this.channels.has(id))
        throw AriError.message(409, 'Channel with given unique ID already exists');
    }
    const ch = this.createOutboundLeg(endpoint, {
      caller: parseCallerId(params.callerId),
      role: 'outbound',
      ...(params.channelId ? { channelId: params.channelId } : {}),
      ...(params.otherChannelId ? { otherChannelId: params.otherChannelId } : {}),
    });
    for (const [k, v] of Object.entries(params.variables ?? {})) ch.variables.set(k, String(v));
    if (params.app) {
      ch.originateApp = params.app;
      ch.originateArgs = params.appArgs ? params.appArgs.split(',') : [];
      this.bus.subscribeChannel(params.app, ch.id);
      if (ch.localPeer) this.bus.subscribeChannel(params.app, ch.localPeer.id);
    } else {
      ch.dialplanTarget = {
        context: params.context ?? 'default',
        exten: params.extension ?? 's',
        priority: Number(params.priority) > 0 ? Number(params.priority) : 1,
      };
    }
    const json = this.channelJson(ch);
    const parsedTimeout = Number(params.timeout);
    const timeoutS =
      params.timeout !== undefined && Number.isFinite(parsedTimeout)
        ? parsedTimeout
        : DEFAULT_ORIGINATE_TIMEOUT_S;
    const local = ch.localPeer;
    if (local) {
      if (ch.caller.number || ch.caller.name) {
        this.emitChannel('ChannelCallerId', local, {
          caller_presentation: 0,
          caller_presentation_txt: 'Presentation Allowed, Not Screened',
        });
        this.emitChannel('ChannelConnectedLine', local);
      }
      this.emitDial(ch, '');
      this.armOriginateTimeout(ch, timeoutS);
      this.runDialplan(local, local.dialplan.context, local.dialplan.exten, 1);
    } else {
      this.emitDial(ch, '');
      this.startFarEnd(ch, timeoutS);
    }
    return json;
  }

  private armOriginateTimeout(ch: Channel, timeoutS: number): void {
    if (timeoutS <= 0) return;
    ch.originateTimer = this.after(ch, timeoutS * 1000, () => this.originateTimedOut(ch));
  }

  private clearOriginateTimer(ch: Channel): void {
    if (ch.originateTimer !== undefined) {
      this.clock.clearTimer(ch.originateTimer);
      ch.timers.delete(ch.originateTimer);
      ch.originateTimer = undefined;
    }
  }

  /** The far end of a PJSIP originate/Dial: rings, answers, is busy or never answers, per its behaviour. */
  private startFarEnd(ch: Channel, timeoutS: number): void {
    const behaviour = ch.behaviour ?? { answerAfterMs: 0 };
    if (behaviour.busy || behaviour.reject) {
      this.after(ch, behaviour.busyAfterMs ?? DEFAULT_BUSY_AFTER_MS, () => {
        const cause = behaviour.busy ? 17 : 21;
        const techCause = behaviour.busy ? 486 : 603;
        this.emitChannel('ChannelHangupRequest', ch, { cause, tech_cause: techCause });
        this.emitDial(ch, behaviour.busy ? 'BUSY' : 'CHANUNAVAIL');
        ch.hangupRequested = true;
        this.finishHangup(ch, { cause, techCause, request: null, by: 'remote' });
        if (ch.role === 'dialed') this.dialLegEnded(ch, behaviour.busy ? 'BUSY' : 'CHANUNAVAIL');
      });
      return;
    }
    if (behaviour.ringing !== false) this.farEndRinging(ch);
    this.armOriginateTimeout(ch, timeoutS);
    if (behaviour.answerAfterMs !== null) {
      this.after(ch, behaviour.answerAfterMs, () => this.farEndAnswered(ch));
    }
  }

  private farEndRinging(ch: Channel): void {
    if (ch.state !== 'Down') return;
    this.setState(ch, 'Ringing');
    this.emitDial(ch, 'RINGING');
  }

  private originateTimedOut(ch: Channel): void {
    ch.originateTimer = undefined;
    if (ch.state === 'Up') return;
    ch.hangupRequested = true;
    const local = ch.localPeer;
    if (local && !local.destroyed) {
      this.emitChannel('ChannelHangupRequest', local, { cause: 19 });
      local.hangupRequested = true;
      this.emitChannel('ChannelHangupRequest', local, { cause: 16, soft: true });
      this.finishHangup(local, { cause: 19, request: null, by: 'system' });
    }
    this.finishHangup(ch, { cause: 19, request: null, by: 'system', ...(local ? {} : { techCause: 480 }) });
    if (ch.role === 'dialed') this.dialLegEnded(ch, 'NOANSWER');
  }

  private farEndAnswered(ch: Channel): void {
    if (ch.state === 'Up' || ch.hangupRequested) return;
    this.clearOriginateTimer(ch);
    this.setState(ch, 'Up');
    ch.answeredAt = this.clock.now();
    const outcome = this.outcome(ch);
    if (outcome) outcome.answeredAt = asteriskTimestamp(ch.answeredAt);
    this.emitDial(ch, 'ANSWER');
    this.startRemoteScript(ch);
    if (ch.role === 'dialed') {
      const caller = ch.dialPeer;
      if (caller) ch.connected = { ...caller.caller };
      return;
    }
    if (ch.originateApp) {
      this.enterStasis(ch, ch.originateApp, ch.originateArgs);
    } else if (ch.dialplanTarget) {
      const target = ch.dialplanTarget;
      ch.dialplan = { ...ch.dialplan, context: target.context, exten: target.exten };
      this.runDialplan(ch, target.context, target.exten, target.priority);
    }
  }

  // ---------------------------------------------------------------- hang-up

  private hangup(ch: Channel, plan: HangupPlan): void {
    if (ch.destroyed || ch.hangupRequested) return;
    ch.hangupRequested = true;
    if (ch.tech === 'PJSIP' && ch.answeredAt !== undefined) this.emitRtpQos(ch);
    if (plan.request) this.emitChannel('ChannelHangupRequest', ch, plan.request);
    this.finishHangup(ch, plan);
  }

  /** The varsets chan_pjsip emits when an RTP session with media ends. */
  private emitRtpQos(ch: Channel): void {
    const ssrc = (parseInt(ch.id.replace('.', ''), 10) % 2147483647) + 1;
    this.setVar(
      ch,
      'RTPAUDIOQOS',
      `ssrc=${ssrc};themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000`,
    );
    this.setVar(
      ch,
      'RTPAUDIOQOSJITTER',
      'minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;',
    );
    this.setVar(
      ch,
      'RTPAUDIOQOSLOSS',
      'minrxlost=000.000000;maxrxlost=000.000000;avgrxlost=000.000000;stdevrxlost=000.000000;mintxlost=000.000000;maxtxlost=000.000000;avgtxlost=000.000000;stdevtxlost=000.000000;',
    );
    this.setVar(
      ch,
      'RTPAUDIOQOSRTT',
      'minrtt=000.000000;maxrtt=000.000000;avgrtt=000.000000;stdevrtt=000.000000;',
    );
    this.setVar(
      ch,
      'RTPAUDIOQOSMES',
      'minrxmes=000.000000;maxrxmes=000.000000;avgrxmes=000.000000;stdevrxmes=000.000000;mintxmes=000.000000;maxtxmes=000.000000;avgtxmes=000.000000;stdevtxmes=000.000000;',
    );
  }

  /** Everything after the hang-up request: media stops, the bridge is left, Stasis ends, the channel dies. */
  private finishHangup(ch: Channel, plan: HangupPlan): void {
    for (const id of ch.timers) this.clock.clearTimer(id);
    ch.timers.clear();
    ch.originateTimer = undefined;
    ch.program = undefined;
    this.failPlaybacks({ kind: 'channel', id: ch.id });
    for (const rec of [...this.liveRecordings.values()]) {
      if (rec.target.kind === 'channel' && rec.target.id === ch.id) this.finishRecording(rec, 'done');
    }
    if (ch.bridgeId) this.leaveBridge(ch, plan.by === 'remote' ? 'remote-hangup' : 'hangup');
    this.leaveStasis(ch);
    const local = ch.localPeer;
    const localAlive = local && !local.destroyed && !local.hangupRequested ? local : undefined;
    if (localAlive) this.emitChannel('ChannelHangupRequest', localAlive, { cause: 16 });
    this.destroy(ch, plan.cause, plan.techCause, plan.by);
    if (localAlive) {
      localAlive.hangupRequested = true;
      this.emitChannel('ChannelHangupRequest', localAlive, { cause: 16, soft: true });
      this.finishHangup(localAlive, { cause: 16, request: null, by: plan.by });
    }
    const dialPeer = ch.dialPeer;
    if (dialPeer && !dialPeer.destroyed) {
      if (ch.role === 'dialed') this.dialLegEnded(ch, 'ANSWER');
      else this.hangup(dialPeer, { cause: 16, request: { cause: 16 }, by: 'system' });
    }
    for (const snoopId of this.snoopsByTarget.get(ch.id) ?? []) {
      const snoop = this.channels.get(snoopId);
      if (snoop && !snoop.destroyed) this.hangup(snoop, { cause: 16, request: { cause: 16 }, by: 'system' });
    }
    this.snoopsByTarget.delete(ch.id);
  }

  private destroy(
    ch: Channel,
    cause: number,
    techCause: number | undefined,
    by: 'remote' | 'app' | 'system',
  ): void {
    if (ch.destroyed) return;
    for (const id of ch.timers) this.clock.clearTimer(id);
    ch.timers.clear();
    const body: AriEventBody = { type: 'ChannelDestroyed', cause, cause_txt: CAUSE_TEXT[cause] ?? 'Unknown' };
    if (techCause !== undefined) body['tech_cause'] = techCause;
    body['channel'] = this.channelJson(ch);
    this.emit(body, { channels: [ch.id] });
    ch.destroyed = true;
    this.channels.delete(ch.id);
    this.bus.forgetChannel(ch.id);
    const outcome = this.outcome(ch);
    if (outcome) {
      outcome.endedAt = asteriskTimestamp(this.clock.now());
      outcome.cause = cause;
      outcome.causeTxt = CAUSE_TEXT[cause] ?? 'Unknown';
      outcome.hungUpBy = by;
      this.endedOrder.push(outcome);
    }
  }

  // ---------------------------------------------------------------- REST: channels

  listChannels(): ChannelJson[] {
    return [...this.channels.values()].map((ch) => this.channelJson(ch));
  }

  channel(id: string): ChannelJson {
    return this.channelJson(this.getChannel(id));
  }

  hangupChannel(id: string, reason?: string, reasonCode?: string): void {
    const ch = this.getChannel(id);
    let cause = 16;
    if (reasonCode !== undefined && reasonCode !== '') {
      const code = Number(reasonCode);
      if (!Number.isInteger(code)) throw AriError.message(400, 'Invalid reason for hangup provided');
      cause = code;
    } else if (reason !== undefined && reason !== '') {
      const mapped = HANGUP_REASONS[reason];
      if (mapped === undefined) throw AriError.message(400, 'Invalid reason for hangup provided');
      cause = mapped;
    }
    if (ch.hangupRequested) return;
    // Asterisk reports the soft hang-up of an app request with cause 32 whatever the reason; the reason becomes
    // the channel's hang-up cause (ChannelDestroyed).
    this.hangup(ch, { cause, request: { cause: 32, soft: true }, by: 'app' });
  }

  answer(id: string): void {
    const ch = this.stasisChannel(id);
    if (ch.state === 'Up') return;
    ch.ringing = false;
    this.setState(ch, 'Up');
    ch.answeredAt = this.clock.now();
    const outcome = this.outcome(ch);
    if (outcome) outcome.answeredAt = asteriskTimestamp(ch.answeredAt);
    this.startRemoteScript(ch);
  }

  ring(id: string, on: boolean): void {
    this.stasisChannel(id).ringing = on;
  }

  hold(id: string, on: boolean): void {
    this.stasisChannel(id).onHold = on;
  }

  mute(id: string, direction: string | undefined, on: boolean): void {
    const dir = direction ?? 'both';
    if (!['both', 'in', 'out'].includes(dir)) throw AriError.message(400, 'Invalid direction specified');
    this.stasisChannel(id).muted = on ? dir : undefined;
  }

  moh(id: string, mohClass: string | undefined, on: boolean): void {
    this.stasisChannel(id).moh = on ? (mohClass ?? 'default') : undefined;
  }

  silence(id: string, on: boolean): void {
    this.stasisChannel(id).silenced = on;
  }

  sendDtmf(id: string, dtmf: string | undefined): void {
    const ch = this.stasisChannel(id);
    if (!dtmf) throw AriError.message(400, 'DTMF is required');
    const outcome = this.outcome(ch);
    if (outcome) outcome.dtmfSentByApp += dtmf;
  }

  getVariable(id: string, variable: string | undefined): { value: string } {
    const ch = this.getChannel(id);
    if (!variable) throw AriError.message(400, 'Variable name is required');
    const fn = /^([A-Z_]+)\((.*)\)$/i.exec(variable);
    if (fn) {
      const [, name = '', arg = ''] = fn;
      const upper = name.toUpperCase();
      if (upper === 'CALLERID') {
        if (arg === 'num' || arg === 'number') return { value: ch.caller.number };
        if (arg === 'name') return { value: ch.caller.name };
        if (arg === 'all') return { value: `"${ch.caller.name}" <${ch.caller.number}>` };
      }
      if (upper === 'CONNECTEDLINE') {
        if (arg === 'num' || arg === 'number') return { value: ch.connected.number };
        if (arg === 'name') return { value: ch.connected.name };
      }
      throw AriError.message(500, 'Unable to read provided function');
    }
    const value = this.lookupVar(ch, variable);
    if (value === undefined) throw AriError.message(404, 'Provided variable was not found');
    return { value };
  }

  setVariable(id: string, variable: string | undefined, value: string | undefined): void {
    const ch = this.getChannel(id);
    if (!variable) throw AriError.message(400, 'Variable name is required');
    const fn = /^([A-Z_]+)\((.*)\)$/i.exec(variable);
    if (fn) {
      // Dialplan functions are applied without a ChannelVarset, as Asterisk does.
      const [, name = '', arg = ''] = fn;
      if (name.toUpperCase() === 'TALK_DETECT') ch.talkDetect = arg !== 'remove';
      else if (name.toUpperCase() === 'CALLERID' && (arg === 'num' || arg === 'number'))
        ch.caller.number = value ?? '';
      else if (name.toUpperCase() === 'CALLERID' && arg === 'name') ch.caller.name = value ?? '';
      return;
    }
    this.setVar(ch, variable, value ?? '');
  }

  continueInDialplan(id: string, context?: string, extension?: string, priority?: string): void {
    const ch = this.stasisChannel(id);
    const ctx = context || ch.dialplan.context;
    const exten = extension || ch.dialplan.exten;
    const prio =
      Number(priority) > 0 ? Number(priority) : extension || context ? 1 : ch.dialplan.priority + 1;
    if (ch.bridgeId) this.leaveBridge(ch, 'move');
    this.stopPlaybacksSilently({ kind: 'channel', id: ch.id });
    this.leaveStasis(ch);
    const outcome = this.outcome(ch);
    if (outcome) outcome.continuedTo = `${ctx},${exten},${prio}`;
    ch.dialplan = { ...ch.dialplan, context: ctx, exten };
    this.runDialplan(ch, ctx, exten, prio);
  }

  redirect(id: string, endpoint: string | undefined): void {
    const ch = this.stasisChannel(id);
    if (!endpoint) throw AriError.message(400, "Required parameter 'endpoint' not provided.");
    const slash = endpoint.indexOf('/');
    if (slash <= 0)
      throw AriError.message(400, `Endpoint parameter '${endpoint}' does not contain tech/resource`);
    const tech = endpoint.slice(0, slash);
    if (tech !== ch.tech) {
      throw AriError.message(
        422,
        `Endpoint technology '${tech}' does not match channel technology '${ch.tech}'`,
      );
    }
    const outcome = this.outcome(ch);
    if (outcome) outcome.redirectedTo = endpoint;
    if (ch.state === 'Up') {
      // A REFER: the caller accepts it, calls the new target and ends this dialog with its own BYE.
      this.after(ch, ch.inbound?.referHangupAfterMs ?? DEFAULT_REFER_HANGUP_MS, () => this.remoteHangup(ch));
      return;
    }
    this.hangup(ch, { cause: 23, request: { cause: 23, tech_cause: 302 }, by: 'app' });
  }

  snoop(
    id: string,
    params: { spy?: string; whisper?: string; app?: string; appArgs?: string; snoopId?: string },
  ): ChannelJson {
    const target = this.getChannel(id);
    if (!params.app) throw missingParameter('app');
    for (const [name, value] of [
      ['spy', params.spy],
      ['whisper', params.whisper],
    ] as const) {
      if (value !== undefined && !['none', 'both', 'out', 'in'].includes(value)) {
        throw AriError.message(400, `Invalid ${name} direction specified`);
      }
    }
    if (params.snoopId && this.channels.has(params.snoopId)) {
      throw AriError.message(409, 'Channel with given unique ID already exists');
    }
    const snoop = this.createChannel({
      ...(params.snoopId ? { id: params.snoopId } : {}),
      name: `Snoop/${target.id}-${hex8(this.snoopSeq++)}`,
      tech: 'Snoop',
      role: 'snoop',
      state: 'Up',
      protocolId: '',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      dialString: target.id,
      endpointKey: 'Snoop',
    });
    snoop.snoopOf = target.id;
    snoop.snoopDirections = { spy: params.spy ?? 'none', whisper: params.whisper ?? 'none' };
    this.snoopsByTarget.set(target.id, [...(this.snoopsByTarget.get(target.id) ?? []), snoop.id]);
    snoop.answeredAt = this.clock.now();
    const json = this.channelJson(snoop);
    this.enterStasis(snoop, params.app, params.appArgs ? params.appArgs.split(',') : []);
    return json;
  }

  // ---------------------------------------------------------------- bridges

  listBridges(): BridgeJson[] {
    return [...this.bridges.values()].map((b) => this.bridgeJson(b));
  }

  bridge(id: string): BridgeJson {
    return this.bridgeJson(this.getBridge(id));
  }

  createBridge(type: string | undefined, name: string | undefined, bridgeId: string | undefined): BridgeJson {
    const types = (type ?? 'mixing').split(',').map((t) => t.trim());
    const known = [
      'mixing',
      'holding',
      'dtmf_events',
      'proxy_media',
      'video_sfu',
      'video_single',
      'sdp_label',
    ];
    if (types.some((t) => !known.includes(t))) {
      throw AriError.message(
        500,
        `Unable to create bridge. Possible duplicate bridge id '${bridgeId ?? '(null)'}'`,
      );
    }
    const id = bridgeId ?? randomUUID();
    const existing = this.bridges.get(id);
    if (existing) return this.bridgeJson(existing);
    const bridge: Bridge = {
      id,
      name: name ?? '',
      bridgeType: types.includes('holding') ? 'holding' : 'mixing',
      channels: [],
      createdAt: this.clock.now(),
      moh: undefined,
      recordingName: undefined,
      recorderName: undefined,
    };
    this.bridges.set(id, bridge);
    this.emit({ type: 'BridgeCreated', bridge: this.bridgeJson(bridge) }, { bridges: [id] });
    return this.bridgeJson(bridge);
  }

  addChannels(bridgeId: string, channelParam: string | undefined): void {
    const bridge = this.getBridge(bridgeId);
    if (!channelParam) throw missingParameter('channel');
    const chans = channelParam.split(',').map((id) => {
      const ch = this.channels.get(id);
      if (!ch || ch.destroyed) throw AriError.message(400, 'Channel not found');
      return ch;
    });
    for (const ch of chans)
      if (!ch.stasisApp) throw AriError.message(422, 'Channel not in Stasis application');
    for (const ch of chans) {
      if (ch.bridgeId === bridge.id) continue;
      if (ch.bridgeId) this.leaveBridge(ch, 'move');
      bridge.channels.push(ch.id);
      ch.bridgeId = bridge.id;
      if (ch.stasisApp) this.bus.subscribeBridge(ch.stasisApp, bridge.id);
      const outcome = this.outcome(ch);
      if (outcome) outcome.bridged = true;
      this.emit(
        { type: 'ChannelEnteredBridge', bridge: this.bridgeJson(bridge), channel: this.channelJson(ch) },
        { channels: [ch.id], bridges: [bridge.id] },
      );
    }
    this.updateBridgePeers(bridge);
    this.updateConnectedLines(bridge, undefined);
  }

  removeChannels(bridgeId: string, channelParam: string | undefined): void {
    const bridge = this.getBridge(bridgeId);
    if (!channelParam) throw missingParameter('channel');
    const chans = channelParam.split(',').map((id) => {
      const ch = this.channels.get(id);
      if (!ch || ch.destroyed) throw AriError.message(400, 'Channel not found');
      return ch;
    });
    for (const ch of chans) {
      if (!ch.stasisApp) throw AriError.message(422, 'Channel not in Stasis application');
      if (ch.bridgeId !== bridge.id) throw AriError.message(422, 'Channel not in this bridge');
    }
    for (const ch of chans) this.leaveBridge(ch, 'move');
  }

  /**
   * Takes a channel out of its bridge. A channel that moves or is removed unsubscribes its app from the bridge;
   * one that hangs up leaves the subscription, which is why BridgeDestroyed reaches the app only for the bridge its
   * channel was in last (as recorded).
   */
  private leaveBridge(ch: Channel, why: 'move' | 'hangup' | 'remote-hangup' | 'bridge-destroyed'): void {
    const hangingUp = why !== 'move';
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    ch.bridgeId = undefined;
    if (!bridge) return;
    const index = bridge.channels.indexOf(ch.id);
    if (index >= 0) bridge.channels.splice(index, 1);
    const wasPaired = bridge.channels.length >= 1;
    if (ch.variables.has('BRIDGEPEER')) this.setVar(ch, 'BRIDGEPEER', '');
    this.emit(
      { type: 'ChannelLeftBridge', bridge: this.bridgeJson(bridge), channel: this.channelJson(ch) },
      { channels: [ch.id], bridges: [bridge.id] },
    );
    if (!hangingUp && ch.stasisApp) this.bus.unsubscribeBridge(ch.stasisApp, bridge.id);
    if (wasPaired) {
      this.updateBridgePeers(bridge);
      // Recorded: the party left alone loses the connected line when its peer's far end hung up (BYE), not when
      // the app hung the peer up.
      if (why === 'remote-hangup') this.updateConnectedLines(bridge, ch);
    }
  }

  /** BRIDGEPEER / BRIDGEPVTCALLID as chan_pjsip/bridging sets them (once per change; Asterisk repeats them). */
  private updateBridgePeers(bridge: Bridge): void {
    if (bridge.bridgeType !== 'mixing') return;
    const members = bridge.channels.map((id) => this.channels.get(id)).filter((c): c is Channel => !!c);
    this.markConnected(members);
    const total = members.length + (bridge.recorderName ? 1 : 0);
    if (total < 2) return;
    for (const ch of members) {
      const peers = [
        ...(bridge.recorderName ? [bridge.recorderName] : []),
        ...members.filter((m) => m !== ch).map((m) => m.name),
      ];
      const value = peers.join(',');
      if (ch.variables.get('BRIDGEPEER') !== value) this.setVar(ch, 'BRIDGEPEER', value);
      const only = members.length === 2 && !bridge.recorderName ? members.find((m) => m !== ch) : undefined;
      const callId = only ? only.protocolId : '';
      if (ch.variables.get('BRIDGEPVTCALLID') !== callId) this.setVar(ch, 'BRIDGEPVTCALLID', callId);
    }
  }

  /**
   * Records the first moment each answered party shares a mixing bridge with another answered party (the
   * caller reaches an agent): the ground truth of "answered" for the demo and the end-to-end benchmark, and
   * the start of a caller's `talkAfterConnectMs`.
   */
  private markConnected(members: Channel[]): void {
    const live = members.filter((m) => m.answeredAt !== undefined && m.role !== 'snoop' && !m.destroyed);
    if (live.length < 2) return;
    for (const ch of live) {
      const outcome = this.outcome(ch);
      if (!outcome || outcome.connectedAt !== null) continue;
      const peer = live.find((m) => m !== ch);
      outcome.connectedAt = asteriskTimestamp(this.clock.now());
      outcome.connectedTo = peer?.name ?? null;
      const talk = ch.inbound?.talkAfterConnectMs;
      if (talk !== undefined) this.after(ch, talk, () => this.remoteHangup(ch));
    }
  }

  /** Two parties in a mixing bridge learn each other's caller id; a party left alone loses it. */
  private updateConnectedLines(bridge: Bridge, left: Channel | undefined): void {
    if (bridge.bridgeType !== 'mixing') return;
    const members = bridge.channels.map((id) => this.channels.get(id)).filter((c): c is Channel => !!c);
    if (members.length === 2 && !left) {
      const [a, b] = members as [Channel, Channel];
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        if (self.connected.number !== other.caller.number || self.connected.name !== other.caller.name) {
          self.connected = { ...other.caller };
          this.emitChannel('ChannelConnectedLine', self);
          this.propagateThroughLocal(self);
        }
      }
    } else if (members.length === 1 && left) {
      const [alone] = members as [Channel];
      if (alone.connected.number !== '' || alone.connected.name !== '') {
        alone.connected = { name: '', number: '' };
        this.emitChannel('ChannelConnectedLine', alone);
      }
    }
  }

  /** A Local ;1 passes its connected line to the ;2 half as that half's caller id (ChannelCallerId). */
  private propagateThroughLocal(ch: Channel): void {
    const peer = ch.localPeer;
    if (ch.role !== 'local1' || !peer || peer.destroyed) return;
    if (peer.caller.number === ch.connected.number && peer.caller.name === ch.connected.name) return;
    peer.caller = { ...ch.connected };
    this.emitChannel('ChannelCallerId', peer, {
      caller_presentation: 0,
      caller_presentation_txt: 'Presentation Allowed, Not Screened',
    });
  }

  destroyBridge(id: string): void {
    const bridge = this.getBridge(id);
    const recipients = this.bus.recipients({ bridges: [id] });
    const recording = bridge.recordingName ? this.liveRecordings.get(bridge.recordingName) : undefined;
    // The recorder leaves first: the channels' ChannelLeftBridge already shows simple_bridge (as recorded).
    bridge.recordingName = undefined;
    bridge.recorderName = undefined;
    for (const chId of [...bridge.channels]) {
      const ch = this.channels.get(chId);
      if (ch) this.leaveBridge(ch, 'bridge-destroyed');
    }
    this.stopPlaybacksSilently({ kind: 'bridge', id });
    this.bridges.delete(id);
    this.bus.publish(
      { type: 'BridgeDestroyed', bridge: this.bridgeJson(bridge) },
      { bridges: [id] },
      recipients,
    );
    if (recording) this.finishRecording(recording, 'done', recipients);
    this.bus.forgetBridge(id);
  }

  bridgeMoh(id: string, mohClass: string | undefined, on: boolean): void {
    const bridge = this.getBridge(id);
    if (!on && bridge.moh === undefined) throw AriError.message(409, "Bridge isn't playing music");
    bridge.moh = on ? (mohClass ?? 'default') : undefined;
  }

  // ---------------------------------------------------------------- playbacks

  play(
    target: PlaybackTarget,
    mediaParam: string | undefined,
    lang: string | undefined,
    playbackId: string | undefined,
    skipms?: string,
  ): PlaybackJson {
    if (target.kind === 'channel') this.stasisChannel(target.id);
    else this.getBridge(target.id);
    if (!mediaParam) throw missingParameter('media');
    const media = mediaParam.split(',').filter((m) => m.length > 0);
    if (media.length === 0) throw missingParameter('media');
    const id = playbackId ?? randomUUID();
    if (this.playbacks.has(id)) throw AriError.message(409, 'Playback with the given id already exists');
    const pb: Playback = {
      id,
      media,
      index: 0,
      target,
      language: lang ?? 'en',
      state: 'queued',
      timer: undefined,
      durationMs: undefined,
      endsAt: undefined,
      remainingMs: undefined,
      skipMs: Number(skipms) > 0 ? Number(skipms) : 3000,
    };
    this.playbacks.set(id, pb);
    const json = this.playbackJson(pb);
    const key = `${target.kind}:${target.id}`;
    const queue = this.playbackQueues.get(key) ?? [];
    queue.push(id);
    this.playbackQueues.set(key, queue);
    if (target.kind === 'channel') {
      const ch = this.channels.get(target.id);
      const outcome = ch ? this.outcome(ch) : undefined;
      if (outcome) outcome.media.push(...media);
    }
    if (queue.length === 1) this.startMedia(pb);
    return json;
  }

  private playbackSubjects(pb: Playback): EventSubjects {
    return pb.target.kind === 'channel' ? { channels: [pb.target.id] } : { bridges: [pb.target.id] };
  }

  private emitPlayback(type: string, pb: Playback): void {
    this.emit(() => ({ type, playback: this.playbackJson(pb) }), this.playbackSubjects(pb));
  }

  private recordingLengthMs = (name: string): number | undefined =>
    this.storedRecordings.get(name)?.durationMs;

  private startMedia(pb: Playback): void {
    const uri = pb.media[pb.index] ?? '';
    const parsed = parseMediaUri(uri);
    const duration = parsed ? mediaDurationMs(parsed, this.recordingLengthMs, this.extraSounds) : null;
    pb.state = 'playing';
    this.emitPlayback('PlaybackStarted', pb);
    if (duration === null) {
      this.endPlayback(pb, 'failed');
      return;
    }
    pb.durationMs = duration;
    this.scheduleMediaEnd(pb, duration);
  }

  private scheduleMediaEnd(pb: Playback, remainingMs: number | undefined): void {
    if (pb.timer !== undefined) this.clock.clearTimer(pb.timer);
    pb.timer = undefined;
    pb.remainingMs = remainingMs;
    if (remainingMs === undefined) {
      pb.endsAt = undefined;
      return;
    }
    pb.endsAt = this.clock.now() + remainingMs;
    pb.timer = this.clock.setTimer(remainingMs, () => {
      pb.timer = undefined;
      this.mediaEnded(pb);
    });
  }

  private mediaEnded(pb: Playback): void {
    if (pb.index + 1 < pb.media.length) {
      pb.state = 'continuing';
      this.emitPlayback('PlaybackContinuing', pb);
      pb.index++;
      this.startMedia(pb);
      return;
    }
    this.endPlayback(pb, 'done');
  }

  private endPlayback(pb: Playback, state: 'done' | 'failed', emit = true): void {
    if (pb.timer !== undefined) this.clock.clearTimer(pb.timer);
    pb.timer = undefined;
    pb.state = state;
    this.playbacks.delete(pb.id);
    const key = `${pb.target.kind}:${pb.target.id}`;
    const queue = this.playbackQueues.get(key) ?? [];
    const wasCurrent = queue[0] === pb.id;
    const rest = queue.filter((id) => id !== pb.id);
    if (rest.length > 0) this.playbackQueues.set(key, rest);
    else this.playbackQueues.delete(key);
    if (emit) this.emitPlayback('PlaybackFinished', pb);
    const nextId = rest[0];
    const next = nextId !== undefined ? this.playbacks.get(nextId) : undefined;
    if (wasCurrent && next && emit) this.startMedia(next);
  }

  /** Media of a channel that hangs up ends with state failed. */
  private failPlaybacks(target: PlaybackTarget): void {
    const key = `${target.kind}:${target.id}`;
    const queue = this.playbackQueues.get(key) ?? [];
    this.playbackQueues.delete(key);
    for (const id of queue) {
      const pb = this.playbacks.get(id);
      if (!pb) continue;
      if (pb.timer !== undefined) this.clock.clearTimer(pb.timer);
      this.playbacks.delete(id);
      pb.state = 'failed';
      this.emitPlayback('PlaybackFinished', pb);
    }
  }

  private stopPlaybacksSilently(target: PlaybackTarget): void {
    const key = `${target.kind}:${target.id}`;
    for (const id of this.playbackQueues.get(key) ?? []) {
      const pb = this.playbacks.get(id);
      if (pb?.timer !== undefined) this.clock.clearTimer(pb.timer);
      this.playbacks.delete(id);
    }
    this.playbackQueues.delete(key);
  }

  playback(id: string): PlaybackJson {
    const pb = this.playbacks.get(id);
    if (!pb) throw playbackNotFound();
    return this.playbackJson(pb);
  }

  stopPlayback(id: string): void {
    const pb = this.playbacks.get(id);
    if (!pb) throw playbackNotFound();
    this.endPlayback(pb, 'done');
  }

  controlPlayback(id: string, operation: string | undefined): void {
    const pb = this.playbacks.get(id);
    if (!pb) throw playbackNotFound();
    if (!operation) throw AriError.message(400, 'Missing operation');
    const remaining = (): number | undefined =>
      pb.state === 'paused'
        ? pb.remainingMs
        : pb.endsAt === undefined
          ? undefined
          : pb.endsAt - this.clock.now();
    switch (operation) {
      case 'pause':
        if (pb.state !== 'playing') return;
        pb.remainingMs = remaining();
        if (pb.timer !== undefined) this.clock.clearTimer(pb.timer);
        pb.timer = undefined;
        pb.state = 'paused';
        return;
      case 'unpause':
        if (pb.state !== 'paused') return;
        pb.state = 'playing';
        this.emitPlayback('PlaybackStarted', pb);
        this.scheduleMediaEnd(pb, pb.remainingMs);
        return;
      case 'restart':
        if (pb.state === 'paused') pb.remainingMs = pb.durationMs;
        else if (pb.state === 'playing') this.scheduleMediaEnd(pb, pb.durationMs);
        return;
      case 'forward':
      case 'reverse': {
        const left = remaining();
        if (left === undefined || pb.durationMs === undefined) return;
        const moved =
          operation === 'forward' ? Math.max(0, left - pb.skipMs) : Math.min(pb.durationMs, left + pb.skipMs);
        if (pb.state === 'paused') pb.remainingMs = moved;
        else if (pb.state === 'playing') this.scheduleMediaEnd(pb, moved);
        return;
      }
      default:
        throw AriError.message(400, `Invalid operation ${operation}`);
    }
  }

  // ---------------------------------------------------------------- recordings

  record(
    target: PlaybackTarget,
    params: { name?: string; format?: string; maxDurationSeconds?: string; ifExists?: string },
  ): LiveRecordingJson {
    let bridge: Bridge | undefined;
    if (target.kind === 'channel') this.stasisChannel(target.id);
    else bridge = this.getBridge(target.id);
    if (!params.name) {
      throw AriError.message(
        400,
        target.kind === 'bridge'
          ? 'Recording name is required (note: Asterisk 22.10.1 crashes on a bridge recording without a name)'
          : 'Recording name is required',
      );
    }
    if (!params.format) throw missingParameter('format');
    if (!RECORDING_FORMATS.has(params.format)) {
      throw AriError.message(422, `Recording format '${params.format}' is not known on this system`);
    }
    const ifExists = params.ifExists ?? 'fail';
    if (!['fail', 'overwrite', 'append'].includes(ifExists)) throw AriError.message(400, 'ifExists invalid');
    const name = params.name;
    const live = this.liveRecordings.get(name);
    const stored = this.storedRecordings.get(name);
    if (live && (live.state === 'recording' || live.state === 'paused' || live.state === 'queued')) {
      throw AriError.message(409, 'Recording already in progress');
    }
    if (stored && ifExists === 'fail') {
      throw AriError.message(409, 'A recording with the same name already exists on the system');
    }
    const rec: LiveRecording = {
      name,
      format: params.format,
      target,
      state: 'queued',
      startedAt: this.clock.now(),
      pausedAt: undefined,
      pausedMs: 0,
      muted: false,
      baseMs: stored && ifExists === 'append' ? stored.durationMs : 0,
      timer: undefined,
    };
    this.liveRecordings.set(name, rec);
    const response = this.recordingJson(rec);
    rec.state = 'recording';
    if (bridge) {
      bridge.recordingName = name;
      bridge.recorderName = `Recorder/ARI-${hex8(++this.recorderSeq)};2`;
      this.updateBridgePeers(bridge);
    }
    this.emit({ type: 'RecordingStarted', recording: this.recordingJson(rec) }, this.recordingSubjects(rec));
    const maxS = Number(params.maxDurationSeconds);
    if (maxS > 0) rec.timer = this.clock.setTimer(maxS * 1000, () => this.finishRecording(rec, 'done'));
    return response;
  }

  private recordingSubjects(rec: LiveRecording): EventSubjects {
    return rec.target.kind === 'channel' ? { channels: [rec.target.id] } : { bridges: [rec.target.id] };
  }

  private recordedMs(rec: LiveRecording): number {
    const end = rec.pausedAt ?? this.clock.now();
    return Math.max(0, end - rec.startedAt - rec.pausedMs);
  }

  private finishRecording(
    rec: LiveRecording,
    state: 'done' | 'canceled' | 'failed',
    recipients?: ReturnType<EventBus['recipients']>,
  ): void {
    if (rec.state !== 'recording' && rec.state !== 'paused' && rec.state !== 'queued') return;
    if (rec.timer !== undefined) this.clock.clearTimer(rec.timer);
    rec.timer = undefined;
    const lengthMs = rec.baseMs + this.recordedMs(rec);
    rec.state = state;
    if (rec.target.kind === 'bridge') {
      const bridge = this.bridges.get(rec.target.id);
      if (bridge && bridge.recordingName === rec.name) {
        bridge.recordingName = undefined;
        bridge.recorderName = undefined;
      }
    }
    const json = this.recordingJson(rec, state === 'done');
    if (json.duration !== undefined) json.duration = Math.floor(lengthMs / 1000);
    if (state === 'done') {
      this.storedRecordings.set(rec.name, { name: rec.name, format: rec.format, durationMs: lengthMs });
    }
    const type = state === 'done' ? 'RecordingFinished' : 'RecordingFailed';
    this.bus.publish({ type, recording: json }, this.recordingSubjects(rec), recipients);
  }

  private liveRecording(name: string): LiveRecording {
    const rec = this.liveRecordings.get(name);
    if (!rec) throw recordingNotFound();
    return rec;
  }

  getLiveRecording(name: string): LiveRecordingJson {
    return this.recordingJson(this.liveRecording(name));
  }

  stopLiveRecording(name: string): void {
    this.finishRecording(this.liveRecording(name), 'done');
  }

  cancelLiveRecording(name: string): void {
    const rec = this.liveRecording(name);
    this.finishRecording(rec, 'canceled');
    this.liveRecordings.delete(name);
  }

  pauseLiveRecording(name: string, on: boolean): void {
    const rec = this.liveRecording(name);
    if (on) {
      if (rec.state !== 'recording') throw AriError.message(409, 'Recording not in session');
      rec.state = 'paused';
      rec.pausedAt = this.clock.now();
    } else {
      if (rec.state !== 'paused') throw AriError.message(409, 'Recording not in session');
      rec.pausedMs += this.clock.now() - (rec.pausedAt ?? this.clock.now());
      rec.pausedAt = undefined;
      rec.state = 'recording';
    }
  }

  muteLiveRecording(name: string, on: boolean): void {
    const rec = this.liveRecording(name);
    if (rec.state !== 'recording' && rec.state !== 'paused')
      throw AriError.message(409, 'Recording not in session');
    rec.muted = on;
  }

  listStoredRecordings(): StoredRecordingJson[] {
    return [...this.storedRecordings.values()].map((r) => ({ name: r.name, format: r.format }));
  }

  storedRecording(name: string): StoredRecording {
    const rec = this.storedRecordings.get(name);
    if (!rec) throw recordingNotFound();
    return rec;
  }

  deleteStoredRecording(name: string): void {
    this.storedRecording(name);
    this.storedRecordings.delete(name);
  }

  copyStoredRecording(name: string, destination: string | undefined): StoredRecordingJson {
    const rec = this.storedRecording(name);
    if (!destination) throw missingParameter('destinationRecordingName');
    if (this.storedRecordings.has(destination)) {
      throw AriError.message(409, 'A recording with the same name already exists on the system');
    }
    this.storedRecordings.set(destination, { ...rec, name: destination });
    return { name: destination, format: rec.format };
  }

  // ---------------------------------------------------------------- applications, endpoints, sounds, asterisk

  applicationJson(name: string): ApplicationJson {
    const app = this.bus.getApp(name);
    if (!app) throw AriError.message(404, 'Application not found');
    return {
      name: app.name,
      channel_ids: [...app.channelIds],
      bridge_ids: [...app.bridgeIds],
      endpoint_ids: [...app.endpointIds],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    };
  }

  listApplications(): ApplicationJson[] {
    return this.bus.listApps().map((app) => this.applicationJson(app.name));
  }

  subscribe(appName: string, eventSource: string | undefined, on: boolean): ApplicationJson {
    const app = this.bus.getApp(appName);
    if (!app) throw AriError.message(404, 'Application not found');
    if (!eventSource) throw missingParameter('eventSource');
    for (const source of eventSource.split(',')) {
      const colon = source.indexOf(':');
      const kind = source.slice(0, colon);
      const id = source.slice(colon + 1);
      const set =
        kind === 'channel'
          ? app.channelIds
          : kind === 'bridge'
            ? app.bridgeIds
            : kind === 'endpoint'
              ? app.endpointIds
              : undefined;
      if (!set) throw AriError.message(400, 'Invalid event source URI scheme');
      const exists =
        kind === 'channel'
          ? this.channels.has(id)
          : kind === 'bridge'
            ? this.bridges.has(id)
            : this.endpointExists(id);
      if (!exists) throw AriError.message(422, 'Event source does not exist');
      if (on) set.add(id);
      else if (!set.delete(id)) throw AriError.message(409, 'Application not subscribed to event source');
    }
    return this.applicationJson(appName);
  }

  private endpointExists(id: string): boolean {
    const slash = id.indexOf('/');
    return slash > 0 && this.resolveBehaviour(id.slice(0, slash), id.slice(slash + 1)) !== undefined;
  }

  listEndpoints(tech?: string): EndpointJson[] {
    const out: EndpointJson[] = [];
    for (const key of this.endpoints.keys()) {
      if (key.includes('*')) continue;
      const slash = key.indexOf('/');
      const technology = key.slice(0, slash);
      if (tech !== undefined && technology !== tech) continue;
      const resource = key.slice(slash + 1);
      const channelIds = [...this.channels.values()]
        .filter((c) => c.name.startsWith(`${technology}/${resource}-`))
        .map((c) => c.id);
      out.push({ technology, resource, state: 'online', channel_ids: channelIds });
    }
    return out;
  }

  endpoint(tech: string, resource: string): EndpointJson {
    const found = this.listEndpoints(tech).find((e) => e.resource === resource);
    if (!found) throw AriError.message(404, 'Endpoint not found');
    return found;
  }

  listSounds(): { id: string; formats: { language: string; format: string }[] }[] {
    const ids = new Set([...knownSoundIds(), ...this.extraSounds.keys()]);
    return [...ids].sort().map((id) => ({ id, formats: [{ language: 'en', format: 'gsm' }] }));
  }

  sound(id: string): { id: string; formats: { language: string; format: string }[] } {
    const found = this.listSounds().find((s) => s.id === id);
    if (!found) throw AriError.message(404, 'Sound not found');
    return found;
  }

  asteriskInfo(): Record<string, unknown> {
    return {
      build: {
        os: 'Linux',
        kernel: 'ari-sim',
        options: '',
        machine: 'x86_64',
        date: '2026-01-01 00:00:00 UTC',
        user: 'ari-sim',
      },
      system: { version: '22.10.1', entity_id: this.bus.asteriskId },
      config: {
        name: 'ari-sim',
        default_language: 'en',
        setid: { user: '', group: '' },
      },
      status: {
        startup_time: asteriskTimestamp(this.startedAt),
        last_reload_time: asteriskTimestamp(this.startedAt),
      },
    };
  }

  getGlobal(variable: string | undefined): { value: string } {
    if (!variable) throw AriError.message(400, 'Variable name is required');
    return { value: this.globals.get(variable) ?? '' };
  }

  setGlobal(variable: string | undefined, value: string | undefined): void {
    if (!variable) throw AriError.message(400, 'Variable name is required');
    this.globals.set(variable, value ?? '');
  }

  // ---------------------------------------------------------------- simulator state

  callOutcomes(): CallOutcome[] {
    return [...this.outcomes.values()];
  }

  /**
   * Outcomes of channels that ended, in the order they ended, from `cursor` (an index into that order):
   * lets a driver follow thousands of calls without re-reading them all.
   */
  endedOutcomes(cursor: number, limit = 5000): { calls: CallOutcome[]; nextCursor: number } {
    const calls = this.endedOrder.slice(cursor, cursor + limit);
    return { calls, nextCursor: cursor + calls.length };
  }

  state(): Record<string, unknown> {
    return {
      channels: [...this.channels.values()].map((ch) => ({
        id: ch.id,
        name: ch.name,
        state: ch.state,
        caller: ch.caller,
        connected: ch.connected,
        app: ch.stasisApp ?? null,
        bridge: ch.bridgeId ?? null,
        moh: ch.moh ?? null,
        ...(ch.snoopDirections ? { snoop: { of: ch.snoopOf, ...ch.snoopDirections } } : {}),
      })),
      bridges: this.listBridges(),
      recordings: {
        live: [...this.liveRecordings.values()].map((r) => this.recordingJson(r)),
        stored: [...this.storedRecordings.values()],
      },
      playbacks: [...this.playbacks.values()].map((p) => this.playbackJson(p)),
    };
  }

  /** Clears calls, bridges, media and the endpoint table; Stasis apps and their sockets stay. */
  reset(): void {
    for (const ch of this.channels.values()) for (const id of ch.timers) this.clock.clearTimer(id);
    for (const pb of this.playbacks.values()) if (pb.timer !== undefined) this.clock.clearTimer(pb.timer);
    for (const rec of this.liveRecordings.values())
      if (rec.timer !== undefined) this.clock.clearTimer(rec.timer);
    for (const ch of this.channels.values()) this.bus.forgetChannel(ch.id);
    for (const id of this.bridges.keys()) this.bus.forgetBridge(id);
    this.channels.clear();
    this.bridges.clear();
    this.playbacks.clear();
    this.playbackQueues.clear();
    this.liveRecordings.clear();
    this.storedRecordings.clear();
    this.endpoints.clear();
    this.outcomes.clear();
    this.endedOrder.length = 0;
    this.snoopsByTarget.clear();
  }

  setDialplan(plan: Dialplan): void {
    this.dialplan = plan;
  }

  channelCount(): number {
    return this.channels.size;
  }

  /** For the control API: a live channel by id. */
  liveChannel(id: string): Channel {
    return this.getChannel(id);
  }

  /** For the control API: the far end answers now (an originated call that is ringing). */
  answerFarEnd(id: string): void {
    const ch = this.getChannel(id);
    if (ch.role === 'inbound') throw AriError.message(409, 'An inbound call is answered by the application');
    this.farEndAnswered(ch);
  }
}

export type { Bridge as SimBridge, StoredRecording as SimStoredRecording };
