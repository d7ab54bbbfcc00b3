import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { GrpcTenantInterceptor } from './grpc-tenant.interceptor';

/**
 * Puts a gRPC controller behind our edge: tenant from metadata into TenantContext, and errors mapped
 * to gRPC statuses. connectGrpcMicroservice() installs the same globally; this decorator is for
 * microservices created another way (and harmless when both apply).
 */
export const GrpcEdge = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseFilters(GrpcExceptionFilter), UseInterceptors(GrpcTenantInterceptor));
