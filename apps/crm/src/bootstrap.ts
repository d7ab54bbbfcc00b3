import { CrmV1 } from '@cc/contracts';
import {
  ConfigValidationError,
  loadConfig,
  startService,
  connectGrpcMicroservice,
  grpcService,
} from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module';
import { type CrmConfig, CrmConfigSchema } from './config/crm.config';

/** Starts crm: REST + health + metrics on PORT, gRPC on GRPC_PORT. */
export async function startCrm(
  config: CrmConfig,
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  return startService(AppModule.forRoot(config, options), {
    config,
    beforeListen: (app) => {
      connectGrpcMicroservice(app, {
        services: [grpcService('crm', CrmV1.CrmServiceService)],
        port: config.GRPC_PORT,
      });
    },
  });
}

export async function main(): Promise<void> {
  let config: CrmConfig;
  try {
    config = loadConfig(CrmConfigSchema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await startCrm(config);
}
