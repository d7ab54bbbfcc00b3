import { AriError } from '../domain/ari-error';
import { wavFile } from '../domain/wav.util';
import type { AsteriskWorld, OriginateParams } from '../domain/world';
import type { AriRequest, AriResult, HttpMethod, Route, RouteParam } from './route.types';

/** The ARI subset the simulator implements. One table drives routing and the api-docs documents. */

const path = (name: string, description: string): RouteParam => ({
  name,
  paramType: 'path',
  dataType: 'string',
  required: true,
  description,
});
const query = (name: string, description: string, extra: Partial<RouteParam> = {}): RouteParam => ({
  name,
  paramType: 'query',
  dataType: 'string',
  required: false,
  description,
  ...extra,
});
const body = (name: string, description: string): RouteParam => ({
  name,
  paramType: 'body',
  dataType: 'containers',
  required: false,
  description,
});

const ok = (value: unknown): AriResult => ({ status: 200, body: value });
const noContent = (): AriResult => ({ status: 204 });

const channelId = path('channelId', "Channel's id");
const bridgeId = path('bridgeId', "Bridge's id");
const recordingName = path('recordingName', "The recording's name");
const playbackIdPath = path('playbackId', "Playback's id");

const originateParams: RouteParam[] = [
  query('endpoint', 'Endpoint to call (tech/resource).', { required: true }),
  query('extension', 'The extension to dial after the endpoint answers (instead of app).'),
  query('context', 'The context to dial after the endpoint answers.'),
  query('priority', 'The priority to dial after the endpoint answers.', { dataType: 'long' }),
  query('label', 'Not supported by the simulator.'),
  query('app', 'The Stasis application the channel is placed into once answered.'),
  query('appArgs', 'Comma separated application arguments.'),
  query('callerId', 'Caller id to use, e.g. "Queue" <5551000>.'),
  query('timeout', 'Seconds to wait for an answer (default 30).', { dataType: 'int' }),
  body('variables', 'Channel variables: {"variables": {"NAME": "value"}}.'),
  query('otherChannelId', 'Id of the second half of a Local channel.'),
  query('originator', 'Accepted and ignored.'),
  query('formats', 'Accepted and ignored.'),
];

const playParams: RouteParam[] = [
  query('media', 'Media URIs (sound:, digits:, number:, tone:, recording:), comma separated.', {
    required: true,
    allowMultiple: true,
  }),
  query('lang', 'Language of sound files.'),
  query('offsetms', 'Accepted and ignored.', { dataType: 'int' }),
  query('skipms', 'Milliseconds to skip for forward/reverse (default 3000).', { dataType: 'int' }),
];

const recordParams: RouteParam[] = [
  query('name', 'Recording name (required; Asterisk 22.10.1 crashes on a bridge recording without it).', {
    required: true,
  }),
  query('format', 'Format to encode audio in (wav, gsm, ulaw, ...).', { required: true }),
  query('maxDurationSeconds', 'Maximum duration; 0 for no limit.', { dataType: 'int' }),
  query('maxSilenceSeconds', 'Accepted and ignored.', { dataType: 'int' }),
  query('ifExists', 'fail, overwrite or append.', { allowableValues: ['fail', 'overwrite', 'append'] }),
  query('beep', 'Accepted and ignored.', { dataType: 'boolean' }),
  query('terminateOn', 'Accepted and ignored.'),
];

function originateFrom(req: AriRequest, id: string | undefined): OriginateParams {
  const variablesBody = (req.body as { variables?: Record<string, string> } | undefined)?.variables;
  const pick = (name: string): Record<string, string> => {
    const value = req.param(name);
    return value === undefined ? {} : { [name]: value };
  };
  return {
    ...pick('endpoint'),
    ...pick('app'),
    ...pick('appArgs'),
    ...pick('callerId'),
    ...pick('timeout'),
    ...pick('extension'),
    ...pick('context'),
    ...pick('priority'),
    ...pick('otherChannelId'),
    ...(id !== undefined ? { channelId: id } : pick('channelId')),
    ...(variablesBody && typeof variablesBody === 'object' ? { variables: variablesBody } : {}),
  };
}

export function buildAriRoutes(world: AsteriskWorld): Route[] {
  const routes: Route[] = [];
  const add = (
    resource: string,
    method: HttpMethod,
    routePath: string,
    nickname: string,
    responseClass: string,
    summary: string,
    params: RouteParam[],
    handler: (req: AriRequest) => AriResult,
  ): void => {
    routes.push({ resource, method, path: routePath, nickname, responseClass, summary, params, handler });
  };
  const p = (req: AriRequest, name: string): string => req.path[name] ?? '';

  // ------------------------------------------------------------ asterisk
  add(
    'asterisk',
    'GET',
    '/asterisk/info',
    'getInfo',
    'AsteriskInfo',
    'System information.',
    [query('only', 'Ignored.')],
    () => ok(world.asteriskInfo()),
  );
  add('asterisk', 'GET', '/asterisk/ping', 'ping', 'AsteriskPing', 'Ping.', [], () =>
    ok({
      asterisk_id: world.bus.asteriskId,
      ping: 'pong',
      timestamp: new Date(world.clock.now()).toISOString(),
    }),
  );
  add(
    'asterisk',
    'GET',
    '/asterisk/variable',
    'getGlobalVar',
    'Variable',
    'Get a global variable.',
    [query('variable', 'Name', { required: true })],
    (req) => ok(world.getGlobal(req.param('variable'))),
  );
  add(
    'asterisk',
    'POST',
    '/asterisk/variable',
    'setGlobalVar',
    'void',
    'Set a global variable.',
    [query('variable', 'Name', { required: true }), query('value', 'Value')],
    (req) => {
      world.setGlobal(req.param('variable'), req.param('value'));
      return noContent();
    },
  );

  // ------------------------------------------------------------ endpoints
  add(
    'endpoints',
    'GET',
    '/endpoints',
    'list',
    'List[Endpoint]',
    'List endpoints (the simulated world).',
    [],
    () => ok(world.listEndpoints()),
  );
  add(
    'endpoints',
    'GET',
    '/endpoints/{tech}',
    'listByTech',
    'List[Endpoint]',
    'Endpoints of one technology.',
    [path('tech', 'Technology')],
    (req) => {
      const list = world.listEndpoints(p(req, 'tech'));
      if (list.length === 0) throw AriError.message(404, 'Endpoint not found');
      return ok(list);
    },
  );
  add(
    'endpoints',
    'GET',
    '/endpoints/{tech}/{resource}',
    'get',
    'Endpoint',
    'One endpoint.',
    [path('tech', 'Technology'), path('resource', 'Resource')],
    (req) => ok(world.endpoint(p(req, 'tech'), p(req, 'resource'))),
  );

  // ------------------------------------------------------------ channels
  add('channels', 'GET', '/channels', 'list', 'List[Channel]', 'List all active channels.', [], () =>
    ok(world.listChannels()),
  );
  add(
    'channels',
    'POST',
    '/channels',
    'originate',
    'Channel',
    'Create a new channel (originate).',
    [...originateParams, query('channelId', 'Unique id for the channel.')],
    (req) => ok(world.originate(originateFrom(req, undefined))),
  );
  add('channels', 'GET', '/channels/{channelId}', 'get', 'Channel', 'Channel details.', [channelId], (req) =>
    ok(world.channel(p(req, 'channelId'))),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}',
    'originateWithId',
    'Channel',
    'Originate with a chosen id.',
    [channelId, ...originateParams],
    (req) => ok(world.originate(originateFrom(req, p(req, 'channelId')))),
  );
  add(
    'channels',
    'DELETE',
    '/channels/{channelId}',
    'hangup',
    'void',
    'Delete (i.e. hangup) a channel.',
    [
      channelId,
      query('reason_code', 'Numeric cause.'),
      query('reason', 'normal, busy, congestion, no_answer, ...'),
    ],
    (req) => {
      world.hangupChannel(p(req, 'channelId'), req.param('reason'), req.param('reason_code'));
      return noContent();
    },
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/continue',
    'continueInDialplan',
    'void',
    'Exit the application; continue in the dialplan.',
    [
      channelId,
      query('context', 'Context'),
      query('extension', 'Extension'),
      query('priority', 'Priority', { dataType: 'int' }),
      query('label', 'Ignored.'),
    ],
    (req) => {
      world.continueInDialplan(
        p(req, 'channelId'),
        req.param('context'),
        req.param('extension'),
        req.param('priority'),
      );
      return noContent();
    },
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/redirect',
    'redirect',
    'void',
    'Redirect the channel (SIP REFER or 302).',
    [channelId, query('endpoint', 'tech/resource', { required: true })],
    (req) => {
      world.redirect(p(req, 'channelId'), req.param('endpoint'));
      return noContent();
    },
  );
  const simple = (
    method: HttpMethod,
    suffix: string,
    nickname: string,
    summary: string,
    extra: RouteParam[],
    fn: (id: string, req: AriRequest) => void,
  ): void =>
    add(
      'channels',
      method,
      `/channels/{channelId}/${suffix}`,
      nickname,
      'void',
      summary,
      [channelId, ...extra],
      (req) => {
        fn(p(req, 'channelId'), req);
        return noContent();
      },
    );
  simple('POST', 'answer', 'answer', 'Answer a channel.', [], (id) => world.answer(id));
  simple('POST', 'ring', 'ring', 'Indicate ringing.', [], (id) => world.ring(id, true));
  simple('DELETE', 'ring', 'ringStop', 'Stop ringing.', [], (id) => world.ring(id, false));
  simple('POST', 'hold', 'hold', 'Hold a channel.', [], (id) => world.hold(id, true));
  simple('DELETE', 'hold', 'unhold', 'Remove a channel from hold.', [], (id) => world.hold(id, false));
  const direction = query('direction', 'both, in or out', { allowableValues: ['both', 'in', 'out'] });
  simple('POST', 'mute', 'mute', 'Mute a channel.', [direction], (id, req) =>
    world.mute(id, req.param('direction'), true),
  );
  simple('DELETE', 'mute', 'unmute', 'Unmute a channel.', [direction], (id, req) =>
    world.mute(id, req.param('direction'), false),
  );
  simple('POST', 'moh', 'startMoh', 'Play music on hold.', [query('mohClass', 'Music class')], (id, req) =>
    world.moh(id, req.param('mohClass'), true),
  );
  simple('DELETE', 'moh', 'stopMoh', 'Stop music on hold.', [], (id) => world.moh(id, undefined, false));
  simple('POST', 'silence', 'startSilence', 'Play silence.', [], (id) => world.silence(id, true));
  simple('DELETE', 'silence', 'stopSilence', 'Stop silence.', [], (id) => world.silence(id, false));
  simple(
    'POST',
    'dtmf',
    'sendDTMF',
    'Send DTMF to the far end.',
    [
      query('dtmf', 'Digits', { required: true }),
      query('before', 'ms'),
      query('between', 'ms'),
      query('duration', 'ms'),
      query('after', 'ms'),
    ],
    (id, req) => world.sendDtmf(id, req.param('dtmf')),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/play',
    'play',
    'Playback',
    'Start playback of media.',
    [channelId, ...playParams, query('playbackId', 'Playback id')],
    (req) => ({
      status: 201,
      body: world.play(
        { kind: 'channel', id: p(req, 'channelId') },
        req.param('media'),
        req.param('lang'),
        req.param('playbackId'),
        req.param('skipms'),
      ),
    }),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/play/{playbackId}',
    'playWithId',
    'Playback',
    'Start playback with a chosen id.',
    [channelId, playbackIdPath, ...playParams],
    (req) => ({
      status: 201,
      body: world.play(
        { kind: 'channel', id: p(req, 'channelId') },
        req.param('media'),
        req.param('lang'),
        p(req, 'playbackId'),
        req.param('skipms'),
      ),
    }),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/record',
    'record',
    'LiveRecording',
    'Record audio from a channel.',
    [channelId, ...recordParams],
    (req) => ({
      status: 201,
      body: world.record({ kind: 'channel', id: p(req, 'channelId') }, recordArgs(req)),
    }),
  );
  add(
    'channels',
    'GET',
    '/channels/{channelId}/variable',
    'getChannelVar',
    'Variable',
    'Get a channel variable or function.',
    [channelId, query('variable', 'Name', { required: true })],
    (req) => ok(world.getVariable(p(req, 'channelId'), req.param('variable'))),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/variable',
    'setChannelVar',
    'void',
    'Set a channel variable or function.',
    [channelId, query('variable', 'Name', { required: true }), query('value', 'Value')],
    (req) => {
      world.setVariable(p(req, 'channelId'), req.param('variable'), req.param('value'));
      return noContent();
    },
  );
  const snoopParams = [
    query('spy', 'none, both, out, in'),
    query('whisper', 'none, both, out, in'),
    query('app', 'Application the snoop channel is placed into', { required: true }),
    query('appArgs', 'Application arguments'),
  ];
  add(
    'channels',
    'POST',
    '/channels/{channelId}/snoop',
    'snoopChannel',
    'Channel',
    'Start snooping.',
    [channelId, ...snoopParams, query('snoopId', 'Snoop channel id')],
    (req) => ok(world.snoop(p(req, 'channelId'), snoopArgs(req, req.param('snoopId')))),
  );
  add(
    'channels',
    'POST',
    '/channels/{channelId}/snoop/{snoopId}',
    'snoopChannelWithId',
    'Channel',
    'Start snooping with a chosen id.',
    [channelId, path('snoopId', 'Snoop channel id'), ...snoopParams],
    (req) => ok(world.snoop(p(req, 'channelId'), snoopArgs(req, p(req, 'snoopId')))),
  );

  // ------------------------------------------------------------ bridges
  add('bridges', 'GET', '/bridges', 'list', 'List[Bridge]', 'List all active bridges.', [], () =>
    ok(world.listBridges()),
  );
  const bridgeCreateParams = [
    query('type', 'mixing, holding, dtmf_events, proxy_media (comma separated)'),
    query('name', 'Name'),
  ];
  add(
    'bridges',
    'POST',
    '/bridges',
    'create',
    'Bridge',
    'Create a bridge.',
    [...bridgeCreateParams, query('bridgeId', 'Bridge id')],
    (req) => ok(world.createBridge(req.param('type'), req.param('name'), req.param('bridgeId'))),
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}',
    'createWithId',
    'Bridge',
    'Create a bridge with a chosen id.',
    [bridgeId, ...bridgeCreateParams],
    (req) => ok(world.createBridge(req.param('type'), req.param('name'), p(req, 'bridgeId'))),
  );
  add('bridges', 'GET', '/bridges/{bridgeId}', 'get', 'Bridge', 'Bridge details.', [bridgeId], (req) =>
    ok(world.bridge(p(req, 'bridgeId'))),
  );
  add(
    'bridges',
    'DELETE',
    '/bridges/{bridgeId}',
    'destroy',
    'void',
    'Shut down a bridge.',
    [bridgeId],
    (req) => {
      world.destroyBridge(p(req, 'bridgeId'));
      return noContent();
    },
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/addChannel',
    'addChannel',
    'void',
    'Add channels to a bridge (moves them out of another bridge).',
    [
      bridgeId,
      query('channel', 'Channel ids, comma separated', { required: true, allowMultiple: true }),
      query('role', 'Role'),
      query('absorbDTMF', 'Ignored', { dataType: 'boolean' }),
      query('mute', 'Ignored', { dataType: 'boolean' }),
      query('inhibitConnectedLineUpdates', 'Ignored', { dataType: 'boolean' }),
    ],
    (req) => {
      world.addChannels(p(req, 'bridgeId'), req.param('channel'));
      return noContent();
    },
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/removeChannel',
    'removeChannel',
    'void',
    'Remove channels from a bridge.',
    [bridgeId, query('channel', 'Channel ids, comma separated', { required: true, allowMultiple: true })],
    (req) => {
      world.removeChannels(p(req, 'bridgeId'), req.param('channel'));
      return noContent();
    },
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/moh',
    'startMoh',
    'void',
    'Play music on hold to a bridge.',
    [bridgeId, query('mohClass', 'Music class')],
    (req) => {
      world.bridgeMoh(p(req, 'bridgeId'), req.param('mohClass'), true);
      return noContent();
    },
  );
  add(
    'bridges',
    'DELETE',
    '/bridges/{bridgeId}/moh',
    'stopMoh',
    'void',
    'Stop music on hold.',
    [bridgeId],
    (req) => {
      world.bridgeMoh(p(req, 'bridgeId'), undefined, false);
      return noContent();
    },
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/play',
    'play',
    'Playback',
    'Play media to a bridge.',
    [bridgeId, ...playParams, query('playbackId', 'Playback id')],
    (req) => ({
      status: 201,
      body: world.play(
        { kind: 'bridge', id: p(req, 'bridgeId') },
        req.param('media'),
        req.param('lang'),
        req.param('playbackId'),
        req.param('skipms'),
      ),
    }),
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/play/{playbackId}',
    'playWithId',
    'Playback',
    'Play media to a bridge with a chosen id.',
    [bridgeId, playbackIdPath, ...playParams],
    (req) => ({
      status: 201,
      body: world.play(
        { kind: 'bridge', id: p(req, 'bridgeId') },
        req.param('media'),
        req.param('lang'),
        p(req, 'playbackId'),
        req.param('skipms'),
      ),
    }),
  );
  add(
    'bridges',
    'POST',
    '/bridges/{bridgeId}/record',
    'record',
    'LiveRecording',
    'Record a bridge.',
    [bridgeId, ...recordParams],
    (req) => ({
      status: 201,
      body: world.record({ kind: 'bridge', id: p(req, 'bridgeId') }, recordArgs(req)),
    }),
  );

  // ------------------------------------------------------------ playbacks
  add(
    'playbacks',
    'GET',
    '/playbacks/{playbackId}',
    'get',
    'Playback',
    'Playback details.',
    [playbackIdPath],
    (req) => ok(world.playback(p(req, 'playbackId'))),
  );
  add(
    'playbacks',
    'DELETE',
    '/playbacks/{playbackId}',
    'stop',
    'void',
    'Stop a playback.',
    [playbackIdPath],
    (req) => {
      world.stopPlayback(p(req, 'playbackId'));
      return noContent();
    },
  );
  add(
    'playbacks',
    'POST',
    '/playbacks/{playbackId}/control',
    'control',
    'void',
    'Control a playback.',
    [playbackIdPath, query('operation', 'restart, pause, unpause, reverse, forward', { required: true })],
    (req) => {
      world.controlPlayback(p(req, 'playbackId'), req.param('operation'));
      return noContent();
    },
  );

  // ------------------------------------------------------------ recordings
  add(
    'recordings',
    'GET',
    '/recordings/stored',
    'listStored',
    'List[StoredRecording]',
    'List stored recordings.',
    [],
    () => ok(world.listStoredRecordings()),
  );
  add(
    'recordings',
    'GET',
    '/recordings/stored/{recordingName}',
    'getStored',
    'StoredRecording',
    'A stored recording.',
    [recordingName],
    (req) => {
      const rec = world.storedRecording(p(req, 'recordingName'));
      return ok({ name: rec.name, format: rec.format });
    },
  );
  add(
    'recordings',
    'DELETE',
    '/recordings/stored/{recordingName}',
    'deleteStored',
    'void',
    'Delete a stored recording.',
    [recordingName],
    (req) => {
      world.deleteStoredRecording(p(req, 'recordingName'));
      return noContent();
    },
  );
  add(
    'recordings',
    'GET',
    '/recordings/stored/{recordingName}/file',
    'getStoredFile',
    'binary',
    'The file (8 kHz mono WAV of the recorded length).',
    [recordingName],
    (req) => {
      const rec = world.storedRecording(p(req, 'recordingName'));
      return { status: 200, raw: { contentType: 'audio/wav', data: wavFile(rec.durationMs) } };
    },
  );
  add(
    'recordings',
    'POST',
    '/recordings/stored/{recordingName}/copy',
    'copyStored',
    'StoredRecording',
    'Copy a stored recording.',
    [recordingName, query('destinationRecordingName', 'Destination name', { required: true })],
    (req) => ok(world.copyStoredRecording(p(req, 'recordingName'), req.param('destinationRecordingName'))),
  );
  add(
    'recordings',
    'GET',
    '/recordings/live/{recordingName}',
    'getLive',
    'LiveRecording',
    'A live recording.',
    [recordingName],
    (req) => ok(world.getLiveRecording(p(req, 'recordingName'))),
  );
  const live = (
    method: HttpMethod,
    suffix: string,
    nickname: string,
    summary: string,
    fn: (name: string) => void,
  ): void =>
    add(
      'recordings',
      method,
      `/recordings/live/{recordingName}${suffix}`,
      nickname,
      'void',
      summary,
      [recordingName],
      (req) => {
        fn(p(req, 'recordingName'));
        return noContent();
      },
    );
  live('DELETE', '', 'cancel', 'Stop and discard a live recording.', (n) => world.cancelLiveRecording(n));
  live('POST', '/stop', 'stop', 'Stop and store a live recording.', (n) => world.stopLiveRecording(n));
  live('POST', '/pause', 'pause', 'Pause a live recording.', (n) => world.pauseLiveRecording(n, true));
  live('DELETE', '/pause', 'unpause', 'Unpause a live recording.', (n) => world.pauseLiveRecording(n, false));
  live('POST', '/mute', 'mute', 'Mute a live recording.', (n) => world.muteLiveRecording(n, true));
  live('DELETE', '/mute', 'unmute', 'Unmute a live recording.', (n) => world.muteLiveRecording(n, false));

  // ------------------------------------------------------------ sounds
  add(
    'sounds',
    'GET',
    '/sounds',
    'list',
    'List[Sound]',
    'List the known sounds.',
    [query('lang', 'Language'), query('format', 'Format')],
    () => ok(world.listSounds()),
  );
  add(
    'sounds',
    'GET',
    '/sounds/{soundId}',
    'get',
    'Sound',
    'A sound.',
    [path('soundId', 'Sound id')],
    (req) => ok(world.sound(p(req, 'soundId'))),
  );

  // ------------------------------------------------------------ applications
  const appName = path('applicationName', "Application's name");
  add('applications', 'GET', '/applications', 'list', 'List[Application]', 'List applications.', [], () =>
    ok(world.listApplications()),
  );
  add(
    'applications',
    'GET',
    '/applications/{applicationName}',
    'get',
    'Application',
    'Application details.',
    [appName],
    (req) => ok(world.applicationJson(p(req, 'applicationName'))),
  );
  const eventSource = query('eventSource', 'channel:{id}, bridge:{id}, endpoint:{tech}/{resource}', {
    required: true,
    allowMultiple: true,
  });
  add(
    'applications',
    'POST',
    '/applications/{applicationName}/subscription',
    'subscribe',
    'Application',
    'Subscribe to an event source.',
    [appName, eventSource],
    (req) => ok(world.subscribe(p(req, 'applicationName'), req.param('eventSource'), true)),
  );
  add(
    'applications',
    'DELETE',
    '/applications/{applicationName}/subscription',
    'unsubscribe',
    'Application',
    'Unsubscribe from an event source.',
    [appName, eventSource],
    (req) => ok(world.subscribe(p(req, 'applicationName'), req.param('eventSource'), false)),
  );

  return routes;
}

function recordArgs(req: AriRequest): {
  name?: string;
  format?: string;
  maxDurationSeconds?: string;
  ifExists?: string;
} {
  const out: { name?: string; format?: string; maxDurationSeconds?: string; ifExists?: string } = {};
  for (const key of ['name', 'format', 'maxDurationSeconds', 'ifExists'] as const) {
    const value = req.param(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function snoopArgs(
  req: AriRequest,
  snoopId: string | undefined,
): { spy?: string; whisper?: string; app?: string; appArgs?: string; snoopId?: string } {
  const out: { spy?: string; whisper?: string; app?: string; appArgs?: string; snoopId?: string } = {};
  for (const key of ['spy', 'whisper', 'app', 'appArgs'] as const) {
    const value = req.param(key);
    if (value !== undefined) out[key] = value;
  }
  if (snoopId !== undefined) out.snoopId = snoopId;
  return out;
}
