import type { Logger } from '@nestjs/common';
import type { AriEvent } from '../ari/ari-event.schema';
import type { CallsService } from './calls.service';

/**
 * Routes ARI events to the call engine: StasisStart by its args (`inbound,<did>`, `agent,<callId>`),
 * everything else by channel, playback or recording. An event about something we do not know is a
 * normal race (a channel that just left) and is dropped.
 */
export class CallsStasisHandler {
  constructor(
    private readonly calls: CallsService,
    private readonly logger: Pick<Logger, 'warn' | 'error'>,
  ) {}

  handle(event: AriEvent): void {
    const run = (what: string, work: Promise<void>): void => {
      work.catch((error: unknown) =>
        this.logger.error(`${what}: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    switch (event.type) {
      case 'StasisStart': {
        const [kind, arg] = event.args;
        if (kind === 'inbound' && arg)
          run(`inbound ${event.channel.id}`, this.calls.onInbound(event.channel, arg));
        else if (kind === 'agent')
          run(`agent ${event.channel.id}`, this.calls.onAgentAnswered(event.channel.id));
        else if (kind === 'outbound')
          run(`outbound ${event.channel.id}`, this.calls.onOutboundAnswered(event.channel.id));
        else if (kind === 'supervisor')
          run(`supervisor ${event.channel.id}`, this.calls.onSupervisorAnswered(event.channel.id));
        else if (kind === 'snoop')
          return; // bridged once the supervisor answers
        else
          this.logger.warn(
            `StasisStart with unexpected args ${JSON.stringify(event.args)} on ${event.channel.id}: ignored`,
          );
        return;
      }
      case 'ChannelDtmfReceived':
        this.calls.onDigit(event.channel.id, event.digit);
        return;
      case 'ChannelHangupRequest':
        this.calls.onHangupRequest(event.channel.id, event.cause);
        return;
      case 'StasisEnd':
        run(`StasisEnd ${event.channel.id}`, this.calls.onChannelGone(event.channel.id, undefined));
        return;
      case 'ChannelDestroyed':
        run(`ChannelDestroyed ${event.channel.id}`, this.calls.onChannelGone(event.channel.id, event.cause));
        return;
      case 'PlaybackFinished':
        this.calls.onPlaybackFinished(event.playback.id, event.playback.target_uri);
        return;
      case 'RecordingFinished':
        this.calls.onRecordingFinished(
          event.recording.name,
          event.recording.target_uri,
          event.recording.duration,
          event.recording.format,
          true,
        );
        return;
      case 'RecordingFailed':
        this.calls.onRecordingFinished(
          event.recording.name,
          event.recording.target_uri,
          undefined,
          event.recording.format,
          false,
        );
        return;
      case 'ChannelStateChange':
      case 'Dial':
      case 'PlaybackStarted':
      case 'ApplicationReplaced':
        return;
    }
  }
}
