/**
 * Stasis applications and the delivery of events to them, with Asterisk's subscription rules:
 * an app sees an event when it subscribed to one of the event's subjects (a channel, a bridge, an endpoint)
 * or when it connected with subscribeAll=true. Nothing is queued for an app without a socket: Asterisk does not
 * replay events on reconnect.
 */
export interface EventSink {
  send(json: string): void;
}

export interface EventSubjects {
  channels?: readonly string[];
  bridges?: readonly string[];
  endpoints?: readonly string[];
  /** Deliver to this application only (ApplicationReplaced). */
  app?: string;
}

export interface AriEventBody {
  type: string;
  [key: string]: unknown;
}

export interface StasisApp {
  readonly name: string;
  subscribeAll: boolean;
  readonly channelIds: Set<string>;
  readonly bridgeIds: Set<string>;
  readonly endpointIds: Set<string>;
  sink: EventSink | undefined;
}

export type EventListener = (app: string, event: Record<string, unknown>) => void;

export class EventBus {
  private readonly apps = new Map<string, StasisApp>();
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly now: () => string,
    readonly asteriskId = '02:fc:00:00:00:01',
  ) {}

  /** Observes every delivered event (tests, benchmark latency probes). */
  onDelivered(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getApp(name: string): StasisApp | undefined {
    return this.apps.get(name);
  }

  listApps(): StasisApp[] {
    return [...this.apps.values()];
  }

  ensureApp(name: string): StasisApp {
    let app = this.apps.get(name);
    if (!app) {
      app = {
        name,
        subscribeAll: false,
        channelIds: new Set(),
        bridgeIds: new Set(),
        endpointIds: new Set(),
        sink: undefined,
      };
      this.apps.set(name, app);
    }
    return app;
  }

  /**
   * Connects a socket for `name`. A previous socket of the same app gets ApplicationReplaced and stops receiving
   * events (it is not closed: Asterisk left it open in the recording).
   */
  attach(name: string, sink: EventSink, subscribeAll: boolean): StasisApp {
    const app = this.ensureApp(name);
    const previous = app.sink;
    if (previous && previous !== sink) {
      previous.send(
        JSON.stringify({
          type: 'ApplicationReplaced',
          timestamp: this.now(),
          application: name,
          asterisk_id: this.asteriskId,
        }),
      );
    }
    app.sink = sink;
    app.subscribeAll = subscribeAll;
    return app;
  }

  detach(name: string, sink: EventSink): void {
    const app = this.apps.get(name);
    if (app && app.sink === sink) app.sink = undefined;
  }

  subscribeChannel(appName: string, channelId: string): void {
    this.ensureApp(appName).channelIds.add(channelId);
  }

  unsubscribeChannel(appName: string, channelId: string): void {
    this.apps.get(appName)?.channelIds.delete(channelId);
  }

  subscribeBridge(appName: string, bridgeId: string): void {
    this.ensureApp(appName).bridgeIds.add(bridgeId);
  }

  unsubscribeBridge(appName: string, bridgeId: string): void {
    this.apps.get(appName)?.bridgeIds.delete(bridgeId);
  }

  /** Forgets a destroyed object everywhere. */
  forgetChannel(channelId: string): void {
    for (const app of this.apps.values()) app.channelIds.delete(channelId);
  }

  forgetBridge(bridgeId: string): void {
    for (const app of this.apps.values()) app.bridgeIds.delete(bridgeId);
  }

  /** The apps that would receive an event about these subjects right now. */
  recipients(subjects: EventSubjects): StasisApp[] {
    const out: StasisApp[] = [];
    for (const app of this.apps.values()) {
      if (subjects.app !== undefined) {
        if (app.name === subjects.app) out.push(app);
        continue;
      }
      if (
        app.subscribeAll ||
        subjects.channels?.some((id) => app.channelIds.has(id)) ||
        subjects.bridges?.some((id) => app.bridgeIds.has(id)) ||
        subjects.endpoints?.some((id) => app.endpointIds.has(id))
      ) {
        out.push(app);
      }
    }
    return out;
  }

  publish(body: AriEventBody, subjects: EventSubjects, recipients = this.recipients(subjects)): void {
    if (recipients.length === 0) return;
    const { type, ...rest } = body;
    const timestamp = this.now();
    // Hot path (every event of every call): the body is serialised once per event, not copied into a new object
    // and serialised once per recipient. The text is exactly JSON.stringify of
    // { type, timestamp, ...rest, asterisk_id, application }, same keys in the same order.
    const head = ENVELOPE_KEYS.some((key) => key in rest)
      ? undefined
      : eventHead(type, timestamp, rest) + `,"asterisk_id":${JSON.stringify(this.asteriskId)}`;
    for (const app of recipients) {
      const event =
        head === undefined || this.listeners.size > 0
          ? { type, timestamp, ...rest, asterisk_id: this.asteriskId, application: app.name }
          : undefined;
      if (app.sink) {
        app.sink.send(
          head === undefined ? JSON.stringify(event) : `${head},"application":${JSON.stringify(app.name)}}`,
        );
      }
      if (event) for (const listener of this.listeners) listener(app.name, event);
    }
  }
}

/** Fields the envelope sets; a body carrying one would need the object spread's override rules. */
const ENVELOPE_KEYS = ['timestamp', 'asterisk_id', 'application'] as const;

/** `{"type":...,"timestamp":...` followed by the body's fields, without the closing brace. */
function eventHead(type: string, timestamp: string, rest: Record<string, unknown>): string {
  const head = `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)}`;
  const body = JSON.stringify(rest);
  return body === '{}' ? head : `${head},${body.slice(1, -1)}`;
}
