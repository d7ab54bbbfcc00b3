import type { TimerId } from './clock';
import type { CallerIdJson, ChannelState, DialplanJson } from './ari-model.type';
import type { DialplanStep } from './dialplan';

/** A speech burst of the remote party, relative to the answer (drives TALK_DETECT events). */
export interface TalkSegment {
  afterMs: number;
  durationMs: number;
}

export interface DtmfPress {
  afterMs: number;
  digits: string;
}

/** How the far end of an originated call behaves (an agent phone, a customer). */
export interface EndpointBehaviour {
  /** null: rings until the originate times out. */
  answerAfterMs: number | null;
  /** Answers 486 Busy Here after `busyAfterMs`. */
  busy?: boolean;
  /** Answers 603 Decline after `busyAfterMs`. */
  reject?: boolean;
  busyAfterMs?: number;
  /** Sends 180 Ringing (default true). */
  ringing?: boolean;
  /** The far end hangs up this long after answering; null/undefined: waits for the app. */
  hangupAfterMs?: number | null;
  dtmf?: DtmfPress[];
  talk?: TalkSegment[];
}

export interface InboundCallSpec {
  from: string;
  to: string;
  callerName?: string;
  app?: string;
  /** The PJSIP endpoint the call arrives from (channel name PJSIP/<endpoint>-N, context from-<endpoint>). */
  endpoint?: string;
  dtmf?: DtmfPress[];
  /** From arrival; undefined: the caller waits until the app hangs up. */
  hangupAfterMs?: number | null;
  talk?: TalkSegment[];
  /** After a successful REFER (redirect of an answered call) the caller's BYE follows this late. */
  referHangupAfterMs?: number;
  /**
   * A waiting caller's patience, from arrival: hangs up then unless connected to another party by then
   * (queueing theory's abandonment). Unlike `hangupAfterMs` it does not end a call already connected.
   */
  patienceMs?: number;
  /** Once first connected to another party, the caller hangs up this long after (the talk time). */
  talkAfterConnectMs?: number;
}

export type ChannelRole = 'inbound' | 'outbound' | 'local1' | 'local2' | 'snoop' | 'dialed';

export interface PlaybackTarget {
  kind: 'channel' | 'bridge';
  id: string;
}

export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly tech: string;
  readonly role: ChannelRole;
  state: ChannelState;
  readonly protocolId: string;
  caller: CallerIdJson;
  connected: CallerIdJson;
  dialplan: DialplanJson;
  readonly createdAt: number;
  /** createdAt formatted once: it is in every event about the channel. */
  readonly creationtime: string;
  readonly variables: Map<string, string>;
  /** The app the channel is in now (Stasis). */
  stasisApp: string | undefined;
  /** Set by originate with app=: the app stays subscribed until ChannelDestroyed. */
  originateApp: string | undefined;
  originateArgs: string[];
  bridgeId: string | undefined;
  readonly timers: Set<TimerId>;
  hangupRequested: boolean;
  destroyed: boolean;
  answeredAt: number | undefined;
  moh: string | undefined;
  onHold: boolean;
  muted: string | undefined;
  silenced: boolean;
  ringing: boolean;
  talkDetect: boolean;
  behaviour: EndpointBehaviour | undefined;
  inbound: InboundCallSpec | undefined;
  /** The other half of a Local channel pair. */
  localPeer: Channel | undefined;
  /** The channel a dialplan Dial() connected this one to. */
  dialPeer: Channel | undefined;
  /** Dialplan run state: the steps of the current extension and the index being executed. */
  program: { steps: DialplanStep[]; index: number } | undefined;
  /** For a dialplan-started outbound originate: where to go once answered. */
  dialplanTarget: { context: string; exten: string; priority: number } | undefined;
  snoopOf: string | undefined;
  /** A snoop's directions (Asterisk: spy = what it hears of the target, whisper = where it speaks). */
  snoopDirections: { spy: string; whisper: string } | undefined;
  readonly dialString: string;
  readonly endpointKey: string;
  originateTimer: TimerId | undefined;
}

export interface CallOutcome {
  channelId: string;
  name: string;
  direction: ChannelRole;
  endpoint: string;
  from: string;
  to: string;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  cause: number | null;
  causeTxt: string | null;
  hungUpBy: 'remote' | 'app' | 'system' | null;
  dtmfSentByApp: string;
  dtmfPressed: string;
  bridged: boolean;
  /** First moment the channel shared a mixing bridge with another answered party (not a snoop). */
  connectedAt: string | null;
  /** That party's channel name (e.g. `PJSIP/agent-1001-00000003`). */
  connectedTo: string | null;
  redirectedTo: string | null;
  continuedTo: string | null;
  media: string[];
}
