import { ConfigValidationError, loadConfig, startService } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module';
import { type GatewayConfig, GatewayConfigSchema } from './config/gateway.config';
import { mountOpenApi } from './openapi/openapi.setup';

/** Starts the gateway: REST (/v1, /admin/v1), OpenAPI + /docs, health and metrics on PORT. */
export function startGateway(
  config: GatewayConfig,
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  return startService(AppModule.forRoot(config, options), {
    config,
    bodyLimit: config.BODY_LIMIT,
    beforeListen: (app) => {
      // Behind a Kubernetes ingress: the client's address (rate limits of public routes) is in X-Forwarded-For.
      (app as NestExpressApplication).set('trust proxy', 1);
      mountOpenApi(app);
    },
  });
}

export async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(GatewayConfigSchema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await startGateway(config);
}
