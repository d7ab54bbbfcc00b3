import type { INestApplication } from '@nestjs/common';
import { AcdV1 } from '@cc/contracts';
import { connectGrpcMicroservice, grpcService, loadConfig, startService } from '@cc/platform';
import { AppModule, type AppModuleOptions } from './app.module';
import { type AcdConfig, AcdConfigSchema } from './config';

/** Starts the whole service (HTTP on PORT, gRPC on GRPC_PORT): main.ts and in-process tests. */
export async function startAcd(
  config: AcdConfig,
  options: AppModuleOptions & { grpcHost?: string } = {},
): Promise<INestApplication> {
  return startService(AppModule.forRoot(config, options), {
    config,
    beforeListen: (app) => {
      connectGrpcMicroservice(app, {
        services: [grpcService('acd', AcdV1.AcdServiceService)],
        port: config.GRPC_PORT,
        ...(options.grpcHost ? { host: options.grpcHost } : {}),
      });
    },
  });
}

export async function main(): Promise<void> {
  await startAcd(loadConfig(AcdConfigSchema));
}
