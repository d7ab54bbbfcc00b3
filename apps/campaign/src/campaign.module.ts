import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CampaignDatabase } from './infrastructure/campaign-database';
import { Clock, SystemClock } from './infrastructure/clock';
import { CampaignFacts } from './modules/campaigns/campaign-facts.publisher';
import { CampaignsController } from './modules/campaigns/campaigns.controller';
import { CampaignsService } from './modules/campaigns/campaigns.service';
import { ComplianceReportService } from './modules/campaigns/compliance-report.service';
import { ContactsService } from './modules/contacts/contacts.service';

export interface CampaignModuleOptions {
  clock?: Clock;
}

/** campaign's domain: repositories, services and the REST controller. */
@Module({})
export class CampaignModule {
  static forRoot(options: CampaignModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      CampaignDatabase,
      CampaignsService,
      ContactsService,
      ComplianceReportService,
      CampaignFacts,
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
    ];
    return {
      module: CampaignModule,
      controllers: [CampaignsController],
      providers,
      exports: [CampaignDatabase],
    };
  }
}
