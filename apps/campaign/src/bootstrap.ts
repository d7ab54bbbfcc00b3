import { ConfigValidationError, loadConfig, startService } from '@cc/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module';
import { type CampaignConfig, CampaignConfigSchema } from './config/campaign.config';

/** Starts campaign: REST + health + metrics on PORT. */
export async function startCampaign(
  config: CampaignConfig,
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  return startService(AppModule.forRoot(config, options), { config });
}

export async function main(): Promise<void> {
  let config: CampaignConfig;
  try {
    config = loadConfig(CampaignConfigSchema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await startCampaign(config);
}
