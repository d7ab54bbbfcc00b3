/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument -- recorded JSON is read loosely, as a client would */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManualClock } from '../../src/domain/clock';
import type { EndpointBehaviour } from '../../src/domain/world.types';
import { startAriSim, type AriSim } from '../../src/http/ari-sim.server';
import { EventLog, TestAri, type AriEvent } from '../support/ari-test-client';

/**
 * Replays a scenario recorded from a real Asterisk 22.10.1 against the simulator: the world is driven the way the
 * sipp peers behaved (callers dial in, press digits, speak, hang up at the recorded moments; callees answer, are busy
 * or never answer with the recorded delays), the app's requests are sent at their recorded (simulated) times with
 * ids translated, and then responses and events are compared.
 *
 * Comparison rules (tolerant of what legitimately differs between two runs):
 * - responses: status; body shape (keys, recursively; list lengths except the sound catalogue); the values of
 *   message/error/state/technology/bridge_type/media_uri/next_media_uri/format/value.
 * - events: grouped per object (channel, Dial of a peer, bridge, playback, recording), so that the few-ms reordering
 *   between WebSocket and HTTP and between unrelated objects does not count; within a group the sequence of
 *   (type + the fields that matter) must be equal. ids are compared through the mapping built during the replay.
 *   ChannelVarset of RTPAUDIOQOS* (media statistics) and BRIDGEPEER/BRIDGEPVTCALLID (Asterisk repeats them a
 *   varying number of times) are left out.
 */
export interface Step {
  t_ms: number;
  kind: string;
  [key: string]: any;
}

export interface Transcript {
  scenario: string;
  description: string;
  steps: Step[];
}

export function transcriptsDir(): string | undefined {
  // An explicit directory wins; else the copies kept in the project (so a fresh clone runs the
  // suite); else the shared recordings beside the project.
  const candidates = [
    process.env['ARI_TRANSCRIPTS_DIR'],
    resolve(__dirname, 'fixtures'),
    resolve(__dirname, '../../../../../shared/ari-transcripts'),
  ].filter((d): d is string => !!d);
  return candidates.find((dir) => existsSync(dir));
}

export function loadTranscripts(dir: string): Transcript[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Transcript);
}

/** World set-up the recorded events cannot tell (legs the app never subscribed to). */
const WORLD_OVERRIDES: Record<string, Record<string, EndpointBehaviour>> = {
  // continue -> Dial(PJSIP/agent,30): the agent sipp rang 2 s, answered and hung up 3 s later (no ARI events).
  'transfer-redirect': { 'PJSIP/agent': { answerAfterMs: 2000, hangupAfterMs: 3000 } },
};

const IGNORED_VARIABLES = /^(RTPAUDIOQOS.*|BRIDGEPEER|BRIDGEPVTCALLID)$/;
const COMPARED_VALUES = [
  'message',
  'error',
  'state',
  'technology',
  'bridge_type',
  'media_uri',
  'next_media_uri',
  'format',
  'value',
];

class IdMap {
  private readonly recToSim = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly simLabels = new Map<string, string>();
  private next = 1;

  add(rec: string, sim: string): void {
    if (!rec || !sim || this.recToSim.has(rec)) return;
    const label = `#${this.next++}`;
    this.recToSim.set(rec, sim);
    this.labels.set(rec, label);
    this.simLabels.set(sim, label);
  }

  has(rec: string): boolean {
    return this.recToSim.has(rec);
  }

  sim(rec: string): string | undefined {
    return this.recToSim.get(rec);
  }

  /** Rewrites recorded ids inside a request path or body (longest first). */
  translate(text: string): string {
    let out = text;
    const ids = [...this.recToSim.keys()].sort((a, b) => b.length - a.length);
    for (const id of ids) out = out.split(id).join(this.recToSim.get(id) ?? id);
    return out;
  }

  label(id: unknown, side: 'rec' | 'sim'): string {
    if (typeof id !== 'string') return '-';
    return (side === 'rec' ? this.labels.get(id) : this.simLabels.get(id)) ?? '?';
  }

  /** Replaces every known id inside a string (appArgs carry channel ids). */
  labelText(text: string, side: 'rec' | 'sim'): string {
    const table = side === 'rec' ? this.labels : this.simLabels;
    let out = text;
    for (const [id, label] of [...table.entries()].sort((a, b) => b[0].length - a[0].length))
      out = out.split(id).join(label);
    return out;
  }
}

function shape(value: unknown, countLists: boolean): unknown {
  // Lists are compared as a count and the set of element shapes: Asterisk lists bridges in hash order.
  if (Array.isArray(value)) {
    const elements = [...new Set(value.map((v) => JSON.stringify(shape(v, countLists))))].sort();
    return countLists ? ['list', value.length, elements] : ['list'];
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = shape((value as Record<string, unknown>)[key], countLists);
    return out;
  }
  return typeof value;
}

function pickValues(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of COMPARED_VALUES) if (key in body) out[key] = (body as Record<string, unknown>)[key];
  }
  return out;
}

interface Keyed {
  group: string;
  key: string;
}

function keyEvent(e: AriEvent, ids: IdMap, side: 'rec' | 'sim'): Keyed | undefined {
  const L = (id: unknown): string => ids.label(id, side);
  const ch = e['channel'];
  const chKey = ch ? `${L(ch.id)}/${ch.state}` : '';
  switch (e.type) {
    case 'ChannelVarset':
      if (IGNORED_VARIABLES.test(String(e['variable']))) return undefined;
      return { group: `ch ${L(ch?.id)}`, key: `Varset ${e['variable']}=${e['value']} ${chKey}` };
    case 'Dial':
      return { group: `dial ${L(e['peer']?.id)}`, key: `Dial ${e['dialstatus']} caller=${'caller' in e}` };
    case 'StasisStart':
      return {
        group: `ch ${L(ch?.id)}`,
        key: `StasisStart ${ids.labelText(JSON.stringify(e['args']), side)} ${chKey} ${ch?.dialplan?.context}/${ch?.dialplan?.priority}`,
      };
    case 'ChannelHangupRequest':
      return {
        group: `ch ${L(ch?.id)}`,
        key: `HangupRequest cause=${e['cause'] ?? '-'} soft=${e['soft'] ?? '-'} tech=${e['tech_cause'] ?? '-'} ${chKey}`,
      };
    case 'ChannelDestroyed':
      return {
        group: `ch ${L(ch?.id)}`,
        key: `Destroyed ${e['cause']} ${e['cause_txt']} tech=${e['tech_cause'] ?? '-'} ${chKey}`,
      };
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge': {
      const b = e['bridge'];
      const members = (b.channels as string[]).map((id) => L(id)).join(',');
      return { group: `ch ${L(ch?.id)}`, key: `${e.type} ${L(b.id)} ${b.technology} [${members}] ${chKey}` };
    }
    case 'BridgeDestroyed':
    case 'BridgeCreated':
      return { group: `bridge ${L(e['bridge'].id)}`, key: e.type };
    case 'PlaybackStarted':
    case 'PlaybackContinuing':
    case 'PlaybackFinished': {
      const pb = e['playback'];
      return {
        group: `playback ${L(pb.id)}`,
        key: `${e.type} ${pb.media_uri} next=${pb.next_media_uri ?? '-'} ${pb.state}`,
      };
    }
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed': {
      const r = e['recording'];
      return {
        group: `recording ${r.name}`,
        key: `${e.type} ${r.state} ${r.format} duration=${r.duration ?? '-'}`,
      };
    }
    case 'ChannelDtmfReceived':
      return { group: `ch ${L(ch?.id)}`, key: `Dtmf ${e['digit']} ${e['duration_ms']}` };
    case 'ChannelDialplan':
      return {
        group: `ch ${L(ch?.id)}`,
        key: `Dialplan ${e['dialplan_app']}(${e['dialplan_app_data']}) ${chKey}`,
      };
    case 'ChannelConnectedLine':
      return { group: `ch ${L(ch?.id)}`, key: `ConnectedLine ${ch?.connected?.number}` };
    case 'ChannelCallerId':
      return { group: `ch ${L(ch?.id)}`, key: `CallerId ${ch?.caller?.number}` };
    case 'ChannelTalkingFinished':
      return { group: `ch ${L(ch?.id)}`, key: `TalkingFinished ${e['duration']}` };
    case 'ApplicationReplaced':
      return { group: 'app', key: `ApplicationReplaced ${e['application']}` };
    default:
      return { group: ch ? `ch ${L(ch.id)}` : 'other', key: `${e.type} ${chKey}` };
  }
}

function groupEvents(events: AriEvent[], ids: IdMap, side: 'rec' | 'sim'): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const e of events) {
    const k = keyEvent(e, ids, side);
    if (!k) continue;
    groups.set(k.group, [...(groups.get(k.group) ?? []), k.key]);
  }
  return groups;
}

function authHeader(auth: string | undefined): string | null {
  if (auth === undefined) return 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
  const basic = /^Basic (.*)$/.exec(auth);
  if (basic) return 'Basic ' + Buffer.from(basic[1] ?? '').toString('base64');
  return null;
}

/** What the recording says a callee endpoint did after an originate: answer delay, busy, or never. */
function calleeBehaviour(steps: Step[], index: number, recordedId: string): EndpointBehaviour {
  const start = steps[index]?.t_ms ?? 0;
  let ringing = false;
  for (const s of steps.slice(index)) {
    if (s.kind !== 'event') continue;
    const e = s['event'] as AriEvent;
    const chan = e['peer'] ?? e['channel'];
    if (!chan || chan.id !== recordedId) continue;
    if (e.type === 'ChannelStateChange' && chan.state === 'Ringing') ringing = true;
    if (e.type === 'Dial' && e['dialstatus'] === 'RINGING') ringing = true;
    const floor = (ms: number): number => Math.max(0, Math.floor(ms / 100) * 100);
    if ((e.type === 'ChannelStateChange' && chan.state === 'Up') || e.type === 'StasisStart') {
      return { answerAfterMs: floor(s.t_ms - start), ringing };
    }
    if (e.type === 'Dial' && e['dialstatus'] === 'BUSY') {
      return { answerAfterMs: null, busy: true, busyAfterMs: floor(s.t_ms - start) };
    }
  }
  return { answerAfterMs: null, ringing };
}

export interface ReplayResult {
  scenario: string;
  differences: string[];
  requests: number;
  comparedEvents: number;
}

export async function replay(transcript: Transcript): Promise<ReplayResult> {
  const clock = new ManualClock();
  const sim: AriSim = await startAriSim({ port: 0, clock });
  const ari = new TestAri(sim.ariUrl);
  const ctl = new TestAri(sim.url);
  const ids = new IdMap();
  const differences: string[] = [];
  const sockets = new Map<string, EventLog>();
  const everOpened = new Map<string, EventLog>();
  const pendingInbound: string[] = [];
  const steps = transcript.steps;
  let now = 0;
  let requests = 0;
  let lastSim: { status: number; body: unknown; path: string } | undefined;

  for (const [key, behaviour] of Object.entries(WORLD_OVERRIDES[transcript.scenario] ?? {})) {
    sim.world.setEndpointBehaviour(key, behaviour);
  }

  const flushAll = async (): Promise<void> => {
    for (const log of sockets.values()) await log.flush();
  };

  try {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.t_ms > now) {
        clock.advance(step.t_ms - now);
        now = step.t_ms;
        await flushAll();
      }
      switch (step.kind) {
        case 'ws_connect': {
          const next = steps.slice(i + 1).find((s) => s['ws'] === step['ws']);
          const path = String(step['path']).replace(/^\/ari/, '');
          const auth = String(step['auth']);
          const query = path.includes('?') ? path.slice(path.indexOf('?')) : '';
          const url = `ws://127.0.0.1:${sim.port}/ari/events${query}${auth.startsWith('Basic asterisk:asterisk') ? `${query ? '&' : '?'}api_key=asterisk:asterisk` : ''}`;
          try {
            const log = await EventLog.open(url);
            if (next?.kind === 'ws_rejected')
              differences.push(`${step['ws']}: WebSocket accepted, recorded ${next['status']}`);
            sockets.set(step['ws'], log);
            everOpened.set(step['ws'], log);
          } catch (err) {
            const status = /(\d{3})/.exec(String(err))?.[1];
            if (next?.kind !== 'ws_rejected')
              differences.push(`${step['ws']}: WebSocket refused (${String(err)})`);
            else if (String(next['status']) !== status)
              differences.push(`${step['ws']}: refused with ${status}, recorded ${next['status']}`);
          }
          break;
        }
        case 'ws_close':
          await sockets.get(step['ws'])?.close();
          sockets.delete(step['ws']);
          break;
        case 'sip':
          if (step['action'] === 'start' && / -sf uac-/.test(String(step['command']))) {
            const res = await ctl.post('/sim/v1/inbound-calls', {
              from: '15550001111',
              to: '5551000',
              endpoint: 'sipp',
            });
            if (res.status !== 201) differences.push(`inbound call refused: ${res.status}`);
            else pendingInbound.push((res.body as { channelId: string }).channelId);
          }
          break;
        case 'request': {
          requests++;
          const path = ids.translate(String(step['path']));
          const response = steps[i + 1];
          const originate =
            /^\/channels(\/[^/?]+)?\?/.test(path) && step['method'] === 'POST' && /endpoint=PJSIP/.test(path);
          if (originate && response?.kind === 'response' && response['status'] === 200) {
            const endpoint = decodeURIComponent(/endpoint=([^&]+)/.exec(path)?.[1] ?? '');
            sim.world.setEndpointBehaviour(endpoint, calleeBehaviour(steps, i, String(response['body']?.id)));
          }
          const body =
            step['body'] === undefined
              ? undefined
              : typeof step['body'] === 'string'
                ? step['body']
                : ids.translate(JSON.stringify(step['body']));
          const res = await ari.request(String(step['method']), path, body, authHeader(step['auth']));
          lastSim = { status: res.status, body: res.body, path };
          break;
        }
        case 'response': {
          if (!lastSim) break;
          const where = `${steps[i - 1]?.['method']} ${steps[i - 1]?.['path']}`;
          if (lastSim.status !== step['status']) {
            differences.push(
              `${where}: status ${lastSim.status}, recorded ${step['status']} ${JSON.stringify(step['body'])}`,
            );
          } else {
            const isSounds = /^\/sounds\?/.test(String(steps[i - 1]?.['path']));
            const a = JSON.stringify(shape(lastSim.body, !isSounds));
            const b = JSON.stringify(shape(step['body'], !isSounds));
            if (a !== b) differences.push(`${where}: body shape ${a}, recorded ${b}`);
            const va = JSON.stringify(pickValues(lastSim.body));
            const vb = JSON.stringify(pickValues(step['body']));
            if (va !== vb) differences.push(`${where}: values ${va}, recorded ${vb}`);
          }
          const rec = step['body'];
          const got = lastSim.body as Record<string, unknown> | null;
          if (rec && typeof rec === 'object' && !Array.isArray(rec) && got && typeof got === 'object') {
            if (typeof rec.id === 'string' && typeof got['id'] === 'string') ids.add(rec.id, got['id']);
          }
          lastSim = undefined;
          break;
        }
        case 'event': {
          const e = step['event'] as AriEvent;
          const chan = e['channel'];
          if (e.type === 'StasisStart' && e['args']?.[0] === 'inbound' && !ids.has(chan.id)) {
            const simId = pendingInbound.shift();
            if (simId) ids.add(chan.id, simId);
          }
          const simId = chan ? ids.sim(chan.id) : undefined;
          if (simId && e.type === 'ChannelHangupRequest' && !('cause' in e)) {
            await ctl.post(`/sim/v1/channels/${encodeURIComponent(simId)}/hangup`);
          }
          if (simId && e.type === 'ChannelDtmfReceived') {
            await ctl.post(`/sim/v1/channels/${encodeURIComponent(simId)}/dtmf`, { digits: e['digit'] });
          }
          if (simId && e.type === 'ChannelTalkingStarted') {
            const finished = steps
              .slice(i)
              .find(
                (s) => s['event']?.type === 'ChannelTalkingFinished' && s['event'].channel?.id === chan.id,
              );
            await ctl.post(`/sim/v1/channels/${encodeURIComponent(simId)}/talk`, {
              afterMs: 0,
              durationMs: finished?.['event'].duration ?? 1000,
            });
          }
          break;
        }
        default:
          break;
      }
    }
    clock.advance(60_000);
    await flushAll();

    // Local ;2 halves and other channels the app never got an id for in a response: pair them by name.
    const recEvents = steps.filter((s) => s.kind === 'event');
    const simAll = [...everOpened.values()].flatMap((log) => log.events);
    const recNames = new Map<string, string>();
    for (const s of recEvents)
      for (const c of [s['event'].channel, s['event'].peer]) if (c) recNames.set(c.id, c.name);
    const simNames = new Map<string, string>();
    for (const e of simAll) for (const c of [e['channel'], e['peer']]) if (c) simNames.set(c.id, c.name);
    for (const [recId, recName] of recNames) {
      if (ids.has(recId) || !recName.endsWith(';2')) continue;
      const oneRec = [...recNames.entries()].find(([, n]) => n === recName.replace(/;2$/, ';1'))?.[0];
      const oneSim = oneRec ? ids.sim(oneRec) : undefined;
      const oneSimName = oneSim ? simNames.get(oneSim) : undefined;
      const twoSim = [...simNames.entries()].find(([, n]) => n === oneSimName?.replace(/;1$/, ';2'))?.[0];
      if (twoSim) ids.add(recId, twoSim);
    }

    let comparedEvents = 0;
    for (const [label, log] of everOpened) {
      const recorded = recEvents.filter((s) => s['ws'] === label).map((s) => s['event'] as AriEvent);
      const recGroups = groupEvents(recorded, ids, 'rec');
      const simGroups = groupEvents(log.events, ids, 'sim');
      for (const group of new Set([...recGroups.keys(), ...simGroups.keys()])) {
        const a = simGroups.get(group) ?? [];
        const b = recGroups.get(group) ?? [];
        comparedEvents += b.length;
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          differences.push(
            `${label} ${group}: events\n    sim:      ${a.join(' | ')}\n    recorded: ${b.join(' | ')}`,
          );
        }
      }
    }
    return { scenario: transcript.scenario, differences, requests, comparedEvents };
  } finally {
    for (const log of sockets.values()) await log.close();
    await sim.stop();
  }
}
