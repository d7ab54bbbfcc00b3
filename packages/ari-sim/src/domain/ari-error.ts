/** An ARI error answer: status plus the exact JSON body Asterisk sends. */
export class AriError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : JSON.stringify(body));
    this.name = 'AriError';
  }

  static message(status: number, message: string): AriError {
    return new AriError(status, { message });
  }
}

export const channelNotFound = (): AriError => AriError.message(404, 'Channel not found');
export const bridgeNotFound = (): AriError => AriError.message(404, 'Bridge not found');
export const notInStasis = (): AriError => AriError.message(409, 'Channel not in Stasis application');
export const playbackNotFound = (): AriError => AriError.message(404, 'Playback not found');
export const recordingNotFound = (): AriError => AriError.message(404, 'Recording not found');
export const allocationFailed = (): AriError => new AriError(500, { error: 'Allocation failed' });
export const missingParameter = (name: string): AriError =>
  AriError.message(400, `Missing parameter ${name}`);
