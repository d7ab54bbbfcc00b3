import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  credentials as grpcCredentials,
  Metadata,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { GrpcMetadataKey, isTenantId } from '@cc/contracts';
import { AppError } from '../errors/app-error';
import { TenantContext } from '../tenancy/tenant-context';
import { GrpcCallContext } from './grpc-call-context';
import { fromGrpcError } from './grpc-error.mapper';
import { kindForGrpcStatus } from './grpc-status.mapping';
import type { GrpcMethodDefinition, GrpcServiceDefinition } from './grpc-service.definition';

export interface GrpcCallOptions {
  /** This call's deadline in ms from now, instead of the client's default. */
  deadlineMs?: number;
  /** An absolute deadline, instead of the client's default. */
  deadline?: Date;
  /** Acts for this tenant instead of the current TenantContext's (operator-wide code acting for one tenant). */
  tenantId?: string;
  actor?: string;
  /** Extra metadata entries (ASCII values). */
  metadata?: Readonly<Record<string, string>>;
  /** Cancels the call; the caller then gets an AppError of kind `unavailable` (code `grpc.cancelled`). */
  signal?: AbortSignal;
}

export interface GrpcClientOptions {
  /** `host:port`, e.g. from ACD_GRPC_URL (a `grpc://` or `dns:` prefix is allowed). */
  address: string;
  /** The deadline of every unary call that sets none (there is no call without a deadline). */
  defaultDeadlineMs: number;
  /**
   * The deadline of server-streaming calls that set none; default `defaultDeadlineMs`. A watch ends
   * at its deadline and the caller re-opens it: long-lived streams are bounded, which also spreads
   * them over replicas.
   */
  defaultStreamDeadlineMs?: number;
  /** Default: insecure (TLS is the mesh's job inside the cluster). */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
  /** Sent as `x-actor` when the call and the TenantContext name none, e.g. the calling service's name. */
  actor?: string;
}

type RequestOf<M> = M extends { requestSerialize: (value: infer Req) => Buffer } ? Req : never;
type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

/** A ts-proto service definition as Promise-returning (unary) and AsyncIterable (server-streaming) methods. */
export type GrpcClient<S extends GrpcServiceDefinition> = {
  readonly [K in keyof S]: S[K] extends { requestStream: false; responseStream: false }
    ? (request: RequestOf<S[K]>, options?: GrpcCallOptions) => Promise<ResponseOf<S[K]>>
    : S[K] extends { requestStream: false; responseStream: true }
      ? (request: RequestOf<S[K]>, options?: GrpcCallOptions) => AsyncIterable<ResponseOf<S[K]>>
      : never; // client- and bidi-streaming: not used by our contracts yet
} & {
  /** Closes the channel; pending calls fail. */
  close(): void;
  /** The same, for Nest's shutdown hooks when the client is provided through a factory. */
  onApplicationShutdown(): void;
};

function validDeadlineMs(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${what} must be a positive number of ms, got ${value}`);
  return value;
}

/**
 * The absolute deadline of a call: the per-call value, else the client default; never later than
 * the deadline of the incoming gRPC call we are serving (a caller that gave up must not leave work
 * running downstream).
 */
export function resolveDeadline(
  now: number,
  defaultMs: number,
  options: Pick<GrpcCallOptions, 'deadline' | 'deadlineMs'> = {},
  inherited?: number,
): number {
  const own =
    options.deadline !== undefined
      ? options.deadline.getTime()
      : now + validDeadlineMs(options.deadlineMs ?? defaultMs, 'deadlineMs');
  return inherited === undefined ? own : Math.min(own, inherited);
}

function buildMetadata(options: GrpcCallOptions, defaultActor: string | undefined): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  const context = TenantContext.current();
  const tenantId = options.tenantId ?? context?.tenantId;
  if (tenantId !== undefined) {
    if (!isTenantId(tenantId)) {
      throw AppError.invalid([{ field: 'tenantId', rule: 'tenant_id', message: 'is not a valid tenant id' }]);
    }
    metadata.set(GrpcMetadataKey.TenantId, tenantId);
  }
  const actor = options.actor ?? context?.actor ?? defaultActor;
  if (actor !== undefined) metadata.set(GrpcMetadataKey.Actor, actor);
  return metadata;
}

function normalizeAddress(address: string): string {
  return address.replace(/^grpc:\/\//, '');
}

/**
 * A typed client for one of our services, e.g.
 * `createGrpcClient(AcdV1.AcdServiceService, { address: env.ACD_GRPC_URL, defaultDeadlineMs: 500 })`.
 * Every call carries the current tenant (TenantContext) in `x-tenant-id`, has a deadline (per-call
 * override, else the client default, capped by the incoming call's), and fails with an AppError
 * rebuilt from the status (see fromGrpcError).
 */
export function createGrpcClient<S extends GrpcServiceDefinition>(
  definition: S,
  options: GrpcClientOptions,
): GrpcClient<S> {
  const unaryDefault = validDeadlineMs(options.defaultDeadlineMs, 'defaultDeadlineMs');
  const streamDefault = validDeadlineMs(
    options.defaultStreamDeadlineMs ?? unaryDefault,
    'defaultStreamDeadlineMs',
  );
  const channel = new Client(
    normalizeAddress(options.address),
    options.credentials ?? grpcCredentials.createInsecure(),
    options.channelOptions,
  );

  const prepare = (
    callOptions: GrpcCallOptions,
    defaultMs: number,
  ): { metadata: Metadata; options: CallOptions } => ({
    metadata: buildMetadata(callOptions, options.actor),
    options: {
      deadline: resolveDeadline(Date.now(), defaultMs, callOptions, GrpcCallContext.current()?.deadline),
    },
  });

  const cancelledBeforeStart = (): AppError =>
    new AppError(kindForGrpcStatus(GrpcStatus.CANCELLED), 'call cancelled before it started', {
      code: 'grpc.cancelled',
    });

  const unary =
    (method: GrpcMethodDefinition<unknown>) =>
    (request: unknown, callOptions: GrpcCallOptions = {}): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const { metadata, options: grpcOptions } = prepare(callOptions, unaryDefault);
        const signal = callOptions.signal;
        if (signal?.aborted) {
          reject(cancelledBeforeStart());
          return;
        }
        let call: ClientUnaryCall | undefined;
        const onAbort = (): void => call?.cancel();
        try {
          call = channel.makeUnaryRequest(
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            request,
            metadata,
            grpcOptions,
            (error, response) => {
              signal?.removeEventListener('abort', onAbort);
              if (error) reject(fromGrpcError(error, method.path));
              else resolve(response);
            },
          );
        } catch (error) {
          // grpc-js throws synchronously on a closed client.
          reject(fromGrpcError(error, method.path));
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
      });

  const serverStream =
    (method: GrpcMethodDefinition<unknown>) =>
    (request: unknown, callOptions: GrpcCallOptions = {}): AsyncIterable<unknown> => {
      // The call starts now, with the metadata and deadline of the caller's context (not of
      // wherever iteration happens to start). Iterate it once.
      const { metadata, options: grpcOptions } = prepare(callOptions, streamDefault);
      const signal = callOptions.signal;
      if (signal?.aborted) throw cancelledBeforeStart();
      let call: ClientReadableStream<unknown>;
      try {
        call = channel.makeServerStreamRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          grpcOptions,
        );
      } catch (error) {
        throw fromGrpcError(error, method.path);
      }
      // grpc-js emits a failed status as an 'error' event; the iterator below reports it, and this
      // listener keeps a status that arrives after the consumer stopped from crashing the process.
      call.on('error', () => undefined);
      const onAbort = (): void => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const message of call as AsyncIterable<unknown>) yield message;
          } catch (error) {
            throw fromGrpcError(error, method.path);
          } finally {
            signal?.removeEventListener('abort', onAbort);
            call.cancel();
          }
        },
      };
    };

  const client: Record<string, unknown> = {
    close: () => channel.close(),
    // Nest calls this on shutdown when the client is a provider (e.g. `useFactory: () => createGrpcClient(...)`).
    onApplicationShutdown: () => channel.close(),
  };
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream) continue;
    const typed = method as unknown as GrpcMethodDefinition<unknown>;
    client[name] = method.responseStream ? serverStream(typed) : unary(typed);
  }
  return client as GrpcClient<S>;
}
