import type { Route } from './route.types';

/**
 * Description documents (Swagger 1.1/1.2 shape, as ari-client's swagger-client expects) for the subset the
 * simulator implements. Written here from our route table and our models; Asterisk's own documents are not copied.
 */
type PropSpec = [type: string, required?: boolean];

interface ModelDoc {
  id: string;
  description: string;
  properties: Record<string, { type: string; required: boolean; description: string }>;
  subTypes?: string[];
  discriminator?: string;
}

function model(id: string, description: string, props: Record<string, PropSpec>): ModelDoc {
  const properties: ModelDoc['properties'] = {};
  for (const [name, [type, required = false]] of Object.entries(props)) {
    properties[name] = { type, required, description: name.replace(/_/g, ' ') };
  }
  return { id, description, properties };
}

const RESOURCE_DESCRIPTIONS: Record<string, string> = {
  asterisk: 'Asterisk system information (simulated)',
  endpoints: 'Endpoints of the simulated world',
  channels: 'Channels',
  bridges: 'Bridges',
  recordings: 'Recordings',
  sounds: 'Sounds',
  playbacks: 'Playback control',
  events: 'The events WebSocket',
  applications: 'Stasis applications',
};

const CALLER_ID = model('CallerID', 'Caller identification', {
  name: ['string', true],
  number: ['string', true],
});
const DIALPLAN = model('DialplanCEP', 'Dialplan location', {
  context: ['string', true],
  exten: ['string', true],
  priority: ['long', true],
  app_name: ['string', true],
  app_data: ['string', true],
});
const CHANNEL = model('Channel', 'A channel', {
  id: ['string', true],
  name: ['string', true],
  state: ['string', true],
  protocol_id: ['string', true],
  caller: ['CallerID', true],
  connected: ['CallerID', true],
  accountcode: ['string', true],
  dialplan: ['DialplanCEP', true],
  creationtime: ['Date', true],
  language: ['string', true],
});
const BRIDGE = model('Bridge', 'A bridge', {
  id: ['string', true],
  technology: ['string', true],
  bridge_type: ['string', true],
  bridge_class: ['string', true],
  creator: ['string', true],
  name: ['string', true],
  channels: ['List[string]', true],
  creationtime: ['Date', true],
  video_mode: ['string'],
});
const PLAYBACK = model('Playback', 'A playback of media', {
  id: ['string', true],
  media_uri: ['string', true],
  next_media_uri: ['string'],
  target_uri: ['string', true],
  language: ['string'],
  state: ['string', true],
});
const LIVE_RECORDING = model('LiveRecording', 'A recording in progress', {
  name: ['string', true],
  format: ['string', true],
  target_uri: ['string', true],
  state: ['string', true],
  duration: ['int'],
});
const STORED_RECORDING = model('StoredRecording', 'A recording on disk', {
  name: ['string', true],
  format: ['string', true],
});
const VARIABLE = model('Variable', 'A variable value', { value: ['string', true] });
const ENDPOINT = model('Endpoint', 'An endpoint', {
  technology: ['string', true],
  resource: ['string', true],
  state: ['string'],
  channel_ids: ['List[string]', true],
});
const SOUND = model('Sound', 'A sound', {
  id: ['string', true],
  text: ['string'],
  formats: ['List[FormatLangPair]', true],
});
const FORMAT_LANG = model('FormatLangPair', 'Format and language of a sound', {
  language: ['string', true],
  format: ['string', true],
});
const APPLICATION = model('Application', 'A Stasis application', {
  name: ['string', true],
  channel_ids: ['List[string]', true],
  bridge_ids: ['List[string]', true],
  endpoint_ids: ['List[string]', true],
  device_names: ['List[string]', true],
  events_allowed: ['List[object]', true],
  events_disallowed: ['List[object]', true],
});
const ASTERISK_INFO = model('AsteriskInfo', 'System information', {
  build: ['object'],
  system: ['object'],
  config: ['object'],
  status: ['object'],
});
const ASTERISK_PING = model('AsteriskPing', 'Ping answer', {
  asterisk_id: ['string', true],
  ping: ['string', true],
  timestamp: ['string', true],
});

const MODELS_BY_RESOURCE: Record<string, ModelDoc[]> = {
  asterisk: [ASTERISK_INFO, ASTERISK_PING, VARIABLE],
  endpoints: [ENDPOINT],
  channels: [CHANNEL, CALLER_ID, DIALPLAN, VARIABLE],
  bridges: [BRIDGE],
  recordings: [STORED_RECORDING, LIVE_RECORDING],
  sounds: [SOUND, FORMAT_LANG],
  playbacks: [PLAYBACK],
  applications: [APPLICATION],
};

/** Every event the simulator can send, with the properties that carry objects (ari-client wraps those). */
export const EVENT_MODELS: Record<string, Record<string, PropSpec>> = {
  ApplicationReplaced: {},
  BridgeCreated: { bridge: ['Bridge', true] },
  BridgeDestroyed: { bridge: ['Bridge', true] },
  ChannelCreated: { channel: ['Channel', true] },
  ChannelDestroyed: {
    cause: ['int', true],
    cause_txt: ['string', true],
    tech_cause: ['int'],
    channel: ['Channel', true],
  },
  ChannelEnteredBridge: { bridge: ['Bridge', true], channel: ['Channel'] },
  ChannelLeftBridge: { bridge: ['Bridge', true], channel: ['Channel', true] },
  ChannelStateChange: { channel: ['Channel', true] },
  ChannelDtmfReceived: { digit: ['string', true], duration_ms: ['int', true], channel: ['Channel', true] },
  ChannelDialplan: {
    channel: ['Channel', true],
    dialplan_app: ['string', true],
    dialplan_app_data: ['string', true],
  },
  ChannelCallerId: {
    caller_presentation: ['int', true],
    caller_presentation_txt: ['string', true],
    channel: ['Channel', true],
  },
  ChannelConnectedLine: { channel: ['Channel', true] },
  ChannelHangupRequest: {
    cause: ['int'],
    soft: ['boolean'],
    tech_cause: ['int'],
    channel: ['Channel', true],
  },
  ChannelVarset: { variable: ['string', true], value: ['string', true], channel: ['Channel'] },
  ChannelHold: { channel: ['Channel', true], musicclass: ['string'] },
  ChannelUnhold: { channel: ['Channel', true] },
  ChannelTalkingStarted: { channel: ['Channel', true] },
  ChannelTalkingFinished: { channel: ['Channel', true], duration: ['int', true] },
  Dial: {
    caller: ['Channel'],
    peer: ['Channel', true],
    forward: ['string'],
    forwarded: ['Channel'],
    dialstring: ['string'],
    dialstatus: ['string', true],
  },
  StasisStart: { args: ['List[string]', true], channel: ['Channel', true], replace_channel: ['Channel'] },
  StasisEnd: { channel: ['Channel', true] },
  PlaybackStarted: { playback: ['Playback', true] },
  PlaybackContinuing: { playback: ['Playback', true] },
  PlaybackFinished: { playback: ['Playback', true] },
  RecordingStarted: { recording: ['LiveRecording', true] },
  RecordingFinished: { recording: ['LiveRecording', true] },
  RecordingFailed: { recording: ['LiveRecording', true] },
};

function eventModels(): Record<string, ModelDoc> {
  const models: Record<string, ModelDoc> = {
    Message: {
      ...model('Message', 'Base type of events', { type: ['string', true], asterisk_id: ['string'] }),
      discriminator: 'type',
      subTypes: ['Event'],
    },
    Event: {
      ...model('Event', 'An asynchronous event', {
        application: ['string', true],
        timestamp: ['Date', true],
      }),
      subTypes: Object.keys(EVENT_MODELS),
    },
  };
  for (const [name, props] of Object.entries(EVENT_MODELS))
    models[name] = model(name, `${name} event`, props);
  return models;
}

export function resourceListing(routes: Route[], basePath: string): Record<string, unknown> {
  const resources = [...new Set(routes.map((r) => r.resource)), 'events'];
  return {
    apiVersion: '2.0.0',
    swaggerVersion: '1.1',
    basePath,
    apis: resources.map((name) => ({
      path: `/api-docs/${name}.{format}`,
      description: RESOURCE_DESCRIPTIONS[name] ?? name,
    })),
  };
}

export function apiDeclaration(
  routes: Route[],
  resource: string,
  basePath: string,
): Record<string, unknown> | undefined {
  const base = {
    apiVersion: '2.0.0',
    swaggerVersion: '1.1',
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
  };
  if (resource === 'events') {
    return {
      ...base,
      apis: [
        {
          path: '/events',
          description: 'Events from the simulator to applications',
          operations: [
            {
              httpMethod: 'GET',
              upgrade: 'websocket',
              websocketProtocol: 'ari',
              summary: 'WebSocket connection for events.',
              nickname: 'eventWebsocket',
              responseClass: 'Message',
              parameters: [
                {
                  name: 'app',
                  description: 'Applications',
                  paramType: 'query',
                  required: true,
                  allowMultiple: true,
                  dataType: 'string',
                },
                {
                  name: 'subscribeAll',
                  description: 'Receive every event',
                  paramType: 'query',
                  required: false,
                  allowMultiple: false,
                  dataType: 'boolean',
                },
              ],
            },
          ],
        },
      ],
      models: eventModels(),
    };
  }
  const own = routes.filter((r) => r.resource === resource);
  if (own.length === 0) return undefined;
  const byPath = new Map<string, Route[]>();
  for (const route of own) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  const models: Record<string, ModelDoc> = {};
  for (const m of MODELS_BY_RESOURCE[resource] ?? []) models[m.id] = m;
  return {
    ...base,
    apis: [...byPath.entries()].map(([routePath, ops]) => ({
      path: routePath,
      description: ops[0]?.summary ?? '',
      operations: ops.map((op) => ({
        httpMethod: op.method,
        summary: op.summary,
        nickname: op.nickname,
        responseClass: op.responseClass,
        parameters: op.params.map((param) => ({
          name: param.name,
          description: param.description,
          paramType: param.paramType,
          required: param.required ?? false,
          allowMultiple: param.allowMultiple ?? false,
          dataType: param.dataType,
          ...(param.allowableValues
            ? { allowableValues: { valueType: 'LIST', values: param.allowableValues } }
            : {}),
        })),
      })),
    })),
    models,
  };
}
