import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The gRPC domains with a proto package `callcenter.<domain>.v1` and a `<domain>_service.proto`. */
export const GRPC_DOMAINS = ['acd', 'crm', 'qa', 'telephony'] as const;
export type GrpcDomain = (typeof GRPC_DOMAINS)[number];

/** Proto package per domain, as Nest's gRPC transport wants it in `options.package`. */
export const GRPC_PACKAGES: Readonly<Record<GrpcDomain, string>> = {
  acd: 'callcenter.acd.v1',
  crm: 'callcenter.crm.v1',
  qa: 'callcenter.qa.v1',
  telephony: 'callcenter.telephony.v1',
};

function findProtoRoot(): string {
  const candidates = [
    // Built package: dist/grpc/proto-path.js -> dist/proto (copied by scripts/copy-proto.mjs).
    resolve(__dirname, '..', 'proto'),
    // Running from a checkout's sources (ts-node, jest on src): packages/contracts/src/grpc -> /proto.
    resolve(__dirname, '..', '..', '..', '..', 'proto'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'callcenter')));
  if (!found) {
    throw new Error(
      `@cc/contracts: no proto files found in ${candidates.join(' or ')}; build the package (npm run build copies proto/ to dist/proto)`,
    );
  }
  return found;
}

let protoRoot: string | undefined;

/**
 * The include directory of our .proto files (imports are relative to it, e.g.
 * `callcenter/common/v1/common.proto`). Resolved on first use so that importing the package never
 * fails where gRPC is not used.
 */
export function protoRootDir(): string {
  protoRoot ??= findProtoRoot();
  return protoRoot;
}

/** Absolute path of a domain's service proto, e.g. `protoPath('acd')` -> `.../callcenter/acd/v1/acd_service.proto`. */
export function protoPath(domain: GrpcDomain): string {
  return join(protoRootDir(), 'callcenter', domain, 'v1', `${domain}_service.proto`);
}
