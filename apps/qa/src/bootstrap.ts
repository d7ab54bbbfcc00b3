import { QaV1 } from '@cc/contracts';
import {
  ConfigValidationError,
  connectGrpcMicroservice,
  grpcService,
  loadConfig,
  startService,
} from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module';
import { type QaConfig, QaConfigSchema } from './config/qa.config';

/** Starts qa: REST + health + metrics on PORT, gRPC on GRPC_PORT. */
export async function startQa(
  config: QaConfig,
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  return startService(AppModule.forRoot(config, options), {
    config,
    beforeListen: (app) => {
      connectGrpcMicroservice(app, {
        services: [grpcService('qa', QaV1.QaServiceService)],
        port: config.GRPC_PORT,
      });
    },
  });
}

export async function main(): Promise<void> {
  let config: QaConfig;
  try {
    config = loadConfig(QaConfigSchema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await startQa(config);
}
