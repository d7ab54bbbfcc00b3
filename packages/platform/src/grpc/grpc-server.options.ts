import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type GrpcOptions, NestMicroservice, Transport } from '@nestjs/microservices';
import { GRPC_PACKAGES, protoPath, protoRootDir, type GrpcDomain } from '@cc/contracts';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import type { GrpcServiceDefinition } from './grpc-service.definition';
import { GrpcTenantInterceptor } from './grpc-tenant.interceptor';

/** One proto service a microservice serves: its proto package and file, and ts-proto's definition. */
export interface GrpcServiceRegistration {
  package: string;
  protoPath: string;
  definition: GrpcServiceDefinition;
}

/** A service of ours by domain: `grpcService('acd', AcdV1.AcdServiceService)`. */
export function grpcService(domain: GrpcDomain, definition: GrpcServiceDefinition): GrpcServiceRegistration {
  return { package: GRPC_PACKAGES[domain], protoPath: protoPath(domain), definition };
}

export interface GrpcServerConfig {
  services: GrpcServiceRegistration[];
  /** The service's GRPC_PORT (0 lets the OS choose, which Nest then does not report: use for nothing but tests with a known port). */
  port: number;
  /** Default 0.0.0.0 (every interface, as a pod needs). */
  host?: string;
  /** Include directory for imports between .proto files; default: the protos shipped in @cc/contracts. */
  protoRoot?: string;
  /** Passed to grpc-js's Server (keepalive, message sizes). */
  channelOptions?: Record<string, string | number>;
}

/** The proto-loader options Nest uses to read the .proto files (types only matter for reflection: see codec below). */
const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: false,
} as const;

interface LoadedMethod {
  path: string;
  requestSerialize: unknown;
  requestDeserialize: unknown;
  responseSerialize: unknown;
  responseDeserialize: unknown;
}

/**
 * Makes the server encode and decode with ts-proto's codec instead of proto-loader's, so that a
 * handler receives exactly the generated TypeScript types (unset message fields are undefined, not
 * null; int64 are numbers) and client and server agree by construction. Fails at start-up when a
 * generated definition does not match the .proto files (stale generated code).
 */
function installTsProtoCodec(
  packageDefinition: Record<string, unknown>,
  services: GrpcServiceRegistration[],
): void {
  const byPath = new Map<string, LoadedMethod>();
  for (const entry of Object.values(packageDefinition)) {
    if (typeof entry !== 'object' || entry === null || 'format' in entry) continue;
    for (const method of Object.values(entry as Record<string, LoadedMethod>)) {
      if (typeof method?.path === 'string') byPath.set(method.path, method);
    }
  }
  for (const service of services) {
    for (const generated of Object.values(service.definition)) {
      const loaded = byPath.get(generated.path);
      if (!loaded) {
        throw new Error(
          `gRPC method ${generated.path} is generated but not in ${service.protoPath}: regenerate the contracts`,
        );
      }
      loaded.requestSerialize = generated.requestSerialize;
      loaded.requestDeserialize = generated.requestDeserialize;
      loaded.responseSerialize = generated.responseSerialize;
      loaded.responseDeserialize = generated.responseDeserialize;
    }
  }
}

/** Options for Nest's gRPC transport serving `services` on `host:port`. */
export function grpcServerOptions(config: GrpcServerConfig): GrpcOptions {
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new Error(`gRPC port must be an integer 0-65535, got ${String(config.port)}`);
  }
  if (config.services.length === 0) throw new Error('grpcServerOptions: no services');
  return {
    transport: Transport.GRPC,
    options: {
      url: `${config.host ?? '0.0.0.0'}:${config.port}`,
      package: [...new Set(config.services.map((s) => s.package))],
      protoPath: [...new Set(config.services.map((s) => s.protoPath))],
      loader: { ...LOADER_OPTIONS, includeDirs: [config.protoRoot ?? protoRootDir()] },
      ...(config.channelOptions ? { channelOptions: config.channelOptions } : {}),
      onLoadPackageDefinition: (packageDefinition: Record<string, unknown>) =>
        installTsProtoCodec(packageDefinition, config.services),
    },
  };
}

/**
 * Attaches the gRPC server to an HTTP app (a hybrid app: health and metrics on PORT, gRPC on
 * GRPC_PORT) with our edge installed for every gRPC handler: tenant from metadata, errors mapped.
 * Start it with `await app.startAllMicroservices()`.
 */
export function connectGrpcMicroservice(app: INestApplication, config: GrpcServerConfig): INestMicroservice {
  // Own config (not the HTTP app's): HTTP filters answer problem+json, which means nothing to gRPC.
  // Deferred, because handlers capture the global enhancers when their listeners are registered.
  const microservice = app.connectMicroservice<GrpcOptions>(grpcServerOptions(config), {
    inheritAppConfig: false,
    deferInitialization: true,
  });
  if (!(microservice instanceof NestMicroservice))
    throw new Error('connectGrpcMicroservice: unexpected microservice');
  microservice.useGlobalFilters(new GrpcExceptionFilter());
  microservice.useGlobalInterceptors(new GrpcTenantInterceptor(app.get(Reflector)));
  // The rest of what connectMicroservice does when not deferred (the app runs the init hooks once).
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  return microservice;
}
