/**
 * gRPC metadata keys of our wire contract. The tenant travels in metadata (never in a message) so
 * that one interceptor can set the tenant context for every handler.
 */
export const GrpcMetadataKey = {
  /** The tenant the call acts for (a TenantId); absent only on operator-scope RPCs. */
  TenantId: 'x-tenant-id',
  /** Who acts (user id, api key id, service name), for audit and logs. */
  Actor: 'x-actor',
  /**
   * Trailer with the error's problem (kind, code, field violations) as UTF-8 JSON. A `-bin` key, so
   * any text survives; see GrpcProblemSchema in @cc/platform.
   */
  Problem: 'cc-problem-bin',
} as const;
