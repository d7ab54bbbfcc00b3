import { Inject, Injectable } from '@nestjs/common';
import { CommonV1, toTimestamp } from '@cc/contracts';
import { APP_CONFIG, AppError, ErrorKind } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { Clock } from '../../infrastructure/clock';
import type { Page } from '../http/pagination.util';
import { GrpcUpstreams } from '../upstreams/grpc-upstreams';
import { HttpUpstreams } from '../upstreams/http-upstreams';
import { callRecordView, liveCallView } from './call.mapper';
import type { CallView, ListCallsQuery, RecordingFileQuery, RecordingUrl } from './call.schema';
import { recordingFilePath, RecordingUrlSigner, recordingUrlKey } from './recording-url.util';

/** A tenant's calls (telephony's history, and live calls) and their recordings. */
@Injectable()
export class CallsService {
  private readonly signer: RecordingUrlSigner;

  constructor(
    private readonly grpc: GrpcUpstreams,
    private readonly http: HttpUpstreams,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.signer = new RecordingUrlSigner(recordingUrlKey(config.JWT_SECRET));
  }

  async list(tenantId: string, q: ListCallsQuery): Promise<Page<CallView>> {
    const direction =
      q.direction === 'inbound'
        ? CommonV1.CallDirection.CALL_DIRECTION_INBOUND
        : q.direction === 'outbound'
          ? CommonV1.CallDirection.CALL_DIRECTION_OUTBOUND
          : CommonV1.CallDirection.CALL_DIRECTION_UNSPECIFIED;
    const res = await this.grpc.telephony
      .call((t) =>
        t.listCalls(
          {
            page: { pageSize: q.limit, cursor: q.cursor ?? '' },
            ...(q.from ? { startedFrom: toTimestamp(new Date(q.from)) } : {}),
            ...(q.to ? { startedBefore: toTimestamp(new Date(q.to)) } : {}),
            direction,
            queueId: q.queueId ?? '',
            agentId: q.agentId ?? '',
            customerId: q.customerId ?? '',
            campaignId: q.campaignId ?? '',
            number: q.number ?? '',
            recordedOnly: q.recorded,
          },
          { tenantId },
        ),
      )
      .catch((error: unknown) => {
        // telephony names its own request fields (page.cursor): the client sent `cursor`.
        if (error instanceof AppError && error.kind === ErrorKind.InvalidArgument)
          throw AppError.invalid(
            error.violations.map((v) => ({ ...v, field: v.field.replace(/^page\./, 'query.') })),
            error.message,
          );
        throw error;
      });
    const data = res.calls.map(callRecordView);
    return res.page?.nextCursor ? { data, nextCursor: res.page.nextCursor } : { data };
  }

  /** An ended call from the history, else a live one; 404 when the tenant has neither. */
  async get(tenantId: string, callId: string): Promise<CallView> {
    try {
      const { call } = await this.grpc.telephony.call((t) => t.getCallRecord({ callId }, { tenantId }));
      if (call) return callRecordView(call);
    } catch (error) {
      if (!(error instanceof AppError && error.kind === ErrorKind.NotFound)) throw error;
    }
    const { call } = await this.grpc.telephony.call((t) => t.getCall({ callId }, { tenantId }));
    if (!call) throw AppError.notFound('call', callId);
    return liveCallView(call);
  }

  /** A short-lived URL for one recording of one of the tenant's calls. */
  async recordingUrl(
    tenantId: string,
    callId: string,
    recordingId: string,
    baseUrl: string,
  ): Promise<RecordingUrl> {
    const call = await this.get(tenantId, callId);
    if (!call.recordings.some((r) => r.id === recordingId)) throw AppError.notFound('recording', recordingId);
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + this.config.RECORDING_URL_TTL_SECONDS;
    return {
      url: `${baseUrl}${recordingFilePath(recordingId)}?${this.signer.sign(recordingId, tenantId, expiresAt)}`,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
  }

  /**
   * Opens a recording's audio at telephony for a signed URL: a bad or expired signature is 403; the
   * tenant named by a good one is the only one asked (its recordings index has the last word).
   */
  openRecording(
    recordingId: string,
    q: RecordingFileQuery,
    range: string | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (!this.signer.verify(recordingId, q.tenant, q.expires, q.signature, now)) {
      throw new AppError(ErrorKind.PermissionDenied, 'this download URL is invalid or has expired', {
        code: 'recording_url_invalid',
      });
    }
    return this.http.telephony.raw(
      {
        method: 'GET',
        path: `v1/recordings/${encodeURIComponent(recordingId)}/file`,
        tenantId: q.tenant,
        headers: { accept: 'audio/*', ...(range ? { range } : {}) },
      },
      signal,
    );
  }
}
