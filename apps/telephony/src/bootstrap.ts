import { TelephonyV1 } from '@cc/contracts';
import {
  ConfigValidationError,
  connectGrpcMicroservice,
  grpcService,
  loadConfig,
  startService,
} from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { type TelephonyConfig, TelephonyConfigSchema } from './config/telephony.config';

/** Starts telephony: admin REST + health + metrics on PORT, the ARI engine, facts on NATS. */
export function startTelephony(
  config: TelephonyConfig,
  options: { tenants?: string[]; grpcHost?: string } = {},
): Promise<NestExpressApplication> {
  return startService(AppModule.forRoot(config, options), {
    config,
    beforeListen: (app) => {
      connectGrpcMicroservice(app, {
        services: [grpcService('telephony', TelephonyV1.TelephonyServiceService)],
        port: config.GRPC_PORT,
        ...(options.grpcHost ? { host: options.grpcHost } : {}),
      });
    },
  });
}

export async function main(): Promise<void> {
  let config: TelephonyConfig;
  try {
    config = loadConfig(TelephonyConfigSchema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await startTelephony(config);
}
