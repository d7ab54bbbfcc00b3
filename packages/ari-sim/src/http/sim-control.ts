import { AriError } from '../domain/ari-error';
import { ScaledClock } from '../domain/clock';
import type { AsteriskWorld } from '../domain/world';
import type { DtmfPress, EndpointBehaviour, InboundCallSpec, TalkSegment } from '../domain/world.types';
import type { AriResult } from './route.types';

/**
 * The control API that plays the outside world, under /sim/v1 (JSON, no auth). See README for the shapes.
 */
class BadRequest extends Error {}

function obj(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new BadRequest('body must be a JSON object');
  return value as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, required: true): string;
function str(o: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(o: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new BadRequest(`${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0) throw new BadRequest(`${key} must be a non-empty string`);
  return v;
}

function ms(o: Record<string, unknown>, key: string): number | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new BadRequest(`${key} must be a number >= 0 or null`);
  return v;
}

function bool(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new BadRequest(`${key} must be a boolean`);
  return v;
}

function dtmfList(o: Record<string, unknown>): DtmfPress[] | undefined {
  const v = o['dtmf'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new BadRequest('dtmf must be an array of {afterMs, digits}');
  return v.map((item) => {
    const e = obj(item);
    const afterMs = ms(e, 'afterMs') ?? 0;
    const digits = str(e, 'digits', true);
    if (!/^[0-9*#A-D]+$/.test(digits)) throw new BadRequest('digits must be 0-9, *, #, A-D');
    return { afterMs, digits };
  });
}

function talkList(o: Record<string, unknown>): TalkSegment[] | undefined {
  const v = o['talk'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new BadRequest('talk must be an array of {afterMs, durationMs}');
  return v.map((item) => {
    const e = obj(item);
    return { afterMs: ms(e, 'afterMs') ?? 0, durationMs: ms(e, 'durationMs') ?? 0 };
  });
}

export function parseInboundCall(body: unknown): InboundCallSpec {
  const o = obj(body);
  const spec: InboundCallSpec = { from: str(o, 'from', true), to: str(o, 'to', true) };
  const app = str(o, 'app');
  if (app) spec.app = app;
  const endpoint = str(o, 'endpoint');
  if (endpoint) spec.endpoint = endpoint;
  const callerName = str(o, 'callerName');
  if (callerName) spec.callerName = callerName;
  const dtmf = dtmfList(o);
  if (dtmf) spec.dtmf = dtmf;
  const talk = talkList(o);
  if (talk) spec.talk = talk;
  const hangupAfterMs = ms(o, 'hangupAfterMs');
  if (hangupAfterMs !== undefined) spec.hangupAfterMs = hangupAfterMs;
  const refer = ms(o, 'referHangupAfterMs');
  if (typeof refer === 'number') spec.referHangupAfterMs = refer;
  const patience = ms(o, 'patienceMs');
  if (typeof patience === 'number') spec.patienceMs = patience;
  const talkAfterConnect = ms(o, 'talkAfterConnectMs');
  if (typeof talkAfterConnect === 'number') spec.talkAfterConnectMs = talkAfterConnect;
  return spec;
}

export function parseBehaviour(body: unknown): EndpointBehaviour {
  const o = obj(body);
  const answerAfterMs = ms(o, 'answerAfterMs');
  const behaviour: EndpointBehaviour = { answerAfterMs: answerAfterMs === undefined ? 0 : answerAfterMs };
  const busy = bool(o, 'busy');
  if (busy !== undefined) behaviour.busy = busy;
  const reject = bool(o, 'reject');
  if (reject !== undefined) behaviour.reject = reject;
  const ringing = bool(o, 'ringing');
  if (ringing !== undefined) behaviour.ringing = ringing;
  const busyAfterMs = ms(o, 'busyAfterMs');
  if (typeof busyAfterMs === 'number') behaviour.busyAfterMs = busyAfterMs;
  const hangupAfterMs = ms(o, 'hangupAfterMs');
  if (hangupAfterMs !== undefined) behaviour.hangupAfterMs = hangupAfterMs;
  const dtmf = dtmfList(o);
  if (dtmf) behaviour.dtmf = dtmf;
  const talk = talkList(o);
  if (talk) behaviour.talk = talk;
  return behaviour;
}

export class SimControl {
  constructor(
    private readonly world: AsteriskWorld,
    private readonly clock: { timeScale?: number; setTimeScale?(scale: number): void },
  ) {}

  handle(method: string, pathname: string, rawBody: string, query?: URLSearchParams): AriResult {
    let body: unknown;
    if (rawBody.trim().length > 0) {
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        return { status: 400, body: { message: 'Error parsing request body' } };
      }
    }
    try {
      return this.route(method, pathname.slice('/sim/v1'.length), body, query);
    } catch (err) {
      if (err instanceof BadRequest) return { status: 400, body: { message: err.message } };
      if (err instanceof AriError) return { status: err.status, body: err.body };
      throw err;
    }
  }

  private route(method: string, rest: string, body: unknown, query: URLSearchParams | undefined): AriResult {
    const parts = rest
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          throw new BadRequest(`bad path segment ${s}`);
        }
      });
    const [head, ...tail] = parts;
    switch (head) {
      case 'inbound-calls':
        if (method !== 'POST' || tail.length > 0) break;
        return { status: 201, body: { channelId: this.world.placeInboundCall(parseInboundCall(body)).id } };
      case 'endpoints': {
        if (tail.length === 0 && method === 'GET')
          return { status: 200, body: this.world.listEndpointBehaviours() };
        if (tail.length < 2) break;
        const key = `${tail[0] ?? ''}/${tail.slice(1).join('/')}`;
        if (method === 'PUT') {
          const behaviour = parseBehaviour(body);
          this.world.setEndpointBehaviour(key, behaviour);
          return { status: 200, body: { endpoint: key, behaviour } };
        }
        if (method === 'DELETE') {
          return this.world.deleteEndpointBehaviour(key)
            ? { status: 204 }
            : { status: 404, body: { message: 'Endpoint not found' } };
        }
        break;
      }
      case 'channels': {
        const [id = '', action] = tail;
        if (method !== 'POST' || tail.length !== 2) break;
        const ch = this.world.liveChannel(id);
        const o = obj(body);
        switch (action) {
          case 'dtmf':
            this.world.pressDigits(ch, str(o, 'digits', true));
            return { status: 204 };
          case 'hangup':
            this.world.remoteHangup(ch);
            return { status: 204 };
          case 'answer':
            this.world.answerFarEnd(id);
            return { status: 204 };
          case 'talk':
            this.world.talk(ch, { afterMs: ms(o, 'afterMs') ?? 0, durationMs: ms(o, 'durationMs') ?? 1000 });
            return { status: 204 };
          case undefined:
          default:
            break;
        }
        break;
      }
      case 'state':
        if (method === 'GET' && tail.length === 0) return { status: 200, body: this.world.state() };
        break;
      case 'calls':
        if (method === 'GET' && tail.length === 0) return { status: 200, body: this.world.callOutcomes() };
        if (method === 'GET' && tail.length === 1 && tail[0] === 'ended') {
          const cursor = Number(query?.get('cursor') ?? '0');
          if (!Number.isInteger(cursor) || cursor < 0)
            throw new BadRequest('cursor must be a non-negative integer');
          return { status: 200, body: this.world.endedOutcomes(cursor) };
        }
        break;
      case 'reset':
        if (method === 'POST' && tail.length === 0) {
          this.world.reset();
          return { status: 204 };
        }
        break;
      case 'config':
        if (tail.length > 0) break;
        if (method === 'GET') return { status: 200, body: this.config() };
        if (method === 'PUT') {
          const o = obj(body);
          const scale = o['timeScale'];
          if (scale !== undefined) {
            if (typeof scale !== 'number' || !(scale > 0))
              throw new BadRequest('timeScale must be a positive number');
            if (!this.clock.setTimeScale)
              throw AriError.message(409, 'This simulator runs on a manual clock');
            this.clock.setTimeScale(scale);
          }
          const app = str(o, 'defaultApp');
          if (app) this.world.defaultApp = app;
          return { status: 200, body: this.config() };
        }
        break;
      case undefined:
      default:
        break;
    }
    return { status: 404, body: { message: 'Resource not found' } };
  }

  private config(): Record<string, unknown> {
    return { timeScale: this.clock.timeScale ?? null, defaultApp: this.world.defaultApp };
  }
}

export function clockControl(clock: unknown): { timeScale?: number; setTimeScale?(scale: number): void } {
  if (clock instanceof ScaledClock) {
    return {
      get timeScale() {
        return clock.timeScale;
      },
      setTimeScale: (scale: number) => clock.setTimeScale(scale),
    };
  }
  return {};
}
