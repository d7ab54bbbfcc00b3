/**
 * The shape of a ts-proto `outputServices=grpc-js` service definition (e.g. `AcdV1.AcdServiceService`):
 * one entry per RPC with its path, streaming flags and ts-proto's codec.
 */
export interface GrpcMethodDefinition<Req = never, Res = unknown> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly requestDeserialize: (value: Buffer) => unknown;
  readonly responseSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (value: Buffer) => Res;
}

export type GrpcServiceDefinition = Readonly<Record<string, GrpcMethodDefinition>>;
