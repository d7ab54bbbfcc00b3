import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppError, ErrorKind, TenantApi, ZodValidationPipe } from '@cc/platform';
import { EntityIdSchema } from '@cc/contracts';
import type { Request, Response } from 'express';
import type { TelephonyConfig } from '../../config/telephony.config';
import { CallHistoryRepository } from './call-history.repository';

const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges'];

/**
 * A recording's audio, streamed from the Asterisk node's storage (ARI `recordings/stored/{name}/file`)
 * through to the caller, never copied: only for the tenant whose call it recorded (the recordings
 * index decides). Read-only, so any instance of the pair may serve it, active or standby.
 */
@Controller('v1/recordings')
@TenantApi()
export class RecordingsController {
  private readonly authorization: string;

  constructor(
    private readonly history: CallHistoryRepository,
    @Inject(APP_CONFIG) private readonly config: TelephonyConfig,
  ) {
    this.authorization = `Basic ${Buffer.from(`${config.ARI_USERNAME}:${config.ARI_PASSWORD}`).toString('base64')}`;
  }

  @Get(':recordingId/file')
  async file(
    @Param('recordingId', new ZodValidationPipe(EntityIdSchema, 'path.recordingId')) recordingId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const recording = await this.history.recording(recordingId);
    const url = `${this.config.ARI_URL.replace(/\/+$/, '')}/recordings/stored/${encodeURIComponent(recording.recordingId)}/file`;
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    // Bounds the wait for the store's answer, not the download that follows.
    const timer = setTimeout(() => abort.abort(), 10_000);
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(url, {
        headers: {
          Authorization: this.authorization,
          ...(typeof req.headers.range === 'string' ? { Range: req.headers.range } : {}),
        },
        signal: abort.signal,
      });
    } catch (error) {
      throw new AppError(ErrorKind.Unavailable, 'the recording store (Asterisk) is unreachable', {
        code: 'telephony.recording_store_unavailable',
        retryAfterSeconds: 5,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    if (upstream.status === 404) throw AppError.notFound('recording file', recordingId);
    if (!upstream.ok || !upstream.body) {
      throw new AppError(ErrorKind.Unavailable, `the recording store answered ${upstream.status}`, {
        code: 'telephony.recording_store_unavailable',
        retryAfterSeconds: 5,
      });
    }
    res.status(upstream.status);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    if (!res.getHeader('content-type')) res.setHeader('content-type', `audio/${recording.format}`);
    await pipeline(Readable.fromWeb(upstream.body), res).catch(() => res.destroy());
  }
}
