import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EntityIdSchema } from '@cc/contracts';
import { ZodValidationPipe } from '@cc/platform';
import type { Request, Response } from 'express';
import { Authenticated, CurrentTenant, Public } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { idParam } from '../http/http.util';
import { StandardErrors, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, type Page } from '../http/pagination.util';
import {
  CallViewSchema,
  ListCallsQuerySchema,
  RecordingFileQuerySchema,
  RecordingUrlSchema,
  type CallView,
  type ListCallsQuery,
  type RecordingFileQuery,
  type RecordingUrl,
} from './call.schema';
import { CallsService } from './calls.service';

const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges'];

@ApiTags('calls')
@Controller('v1')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Get('calls')
  @Authenticated({ audience: 'tenant', permission: 'calls:read' })
  @ZodQuery(ListCallsQuerySchema)
  @ZodResponse(200, pageSchema(CallViewSchema), 'Ended calls, newest first')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(ListCallsQuerySchema, 'query')) q: ListCallsQuery,
  ): Promise<Page<CallView>> {
    return this.calls.list(p.tenantId, q);
  }

  @Get('calls/:callId')
  @Authenticated({ audience: 'tenant', permission: 'calls:read' })
  @ZodResponse(200, CallViewSchema, 'The call (ended, or live with its state)')
  @StandardErrors()
  get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('callId', idParam('callId')) id: string,
  ): Promise<CallView> {
    return this.calls.get(p.tenantId, id);
  }

  /** A short-lived URL (RECORDING_URL_TTL_SECONDS) that streams the recording without a credential. */
  @Get('calls/:callId/recordings/:recordingId/url')
  @Authenticated({ audience: 'tenant', permission: 'recordings:read' })
  @ZodResponse(200, RecordingUrlSchema, 'The signed URL and its expiry')
  @StandardErrors()
  recordingUrl(
    @CurrentTenant() p: TenantPrincipal,
    @Param('callId', idParam('callId')) callId: string,
    @Param('recordingId', idParam('recordingId')) recordingId: string,
    @Req() req: Request,
  ): Promise<RecordingUrl> {
    return this.calls.recordingUrl(
      p.tenantId,
      callId,
      recordingId,
      `${req.protocol}://${req.get('host') ?? ''}`,
    );
  }

  /** The audio, streamed from telephony (which reads the Asterisk store); the signed query is the credential. */
  @Get('recordings/:recordingId/file')
  @Public()
  @ZodQuery(RecordingFileQuerySchema)
  @ApiProduces('audio/wav')
  @ApiResponse({ status: 200, description: 'The recording (Range supported when the store supports it)' })
  @StandardErrors()
  async file(
    @Param('recordingId', new ZodValidationPipe(EntityIdSchema, 'path.recordingId')) recordingId: string,
    @Query(new ZodValidationPipe(RecordingFileQuerySchema, 'query')) q: RecordingFileQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const gone = new AbortController();
    req.on('close', () => gone.abort());
    const upstream = await this.calls.openRecording(recordingId, q, req.headers.range, gone.signal);
    res.status(upstream.status);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.setHeader('Cache-Control', 'private, no-store');
    if (!upstream.body) {
      res.end();
      return;
    }
    const source = Readable.fromWeb(upstream.body);
    await pipeline(source, res).catch(() => res.destroy());
  }
}
