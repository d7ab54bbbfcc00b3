// gRPC contracts: the types and service definitions generated from proto/ (one namespace per proto
// package, so that names never collide) and the helpers to find the .proto files at run time.
export * as CommonV1 from '../generated/callcenter/common/v1/common';
export * as AcdV1 from '../generated/callcenter/acd/v1/acd_service';
export * as CrmV1 from '../generated/callcenter/crm/v1/crm_service';
export * as QaV1 from '../generated/callcenter/qa/v1/qa_service';
export * as TelephonyV1 from '../generated/callcenter/telephony/v1/telephony_service';
export type { Timestamp } from '../generated/google/protobuf/timestamp';
export * from './grpc-metadata.constant';
export * from './proto-path';
export * from './timestamp.util';
