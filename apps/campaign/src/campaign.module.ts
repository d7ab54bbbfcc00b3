import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { CampaignDatabase } from './infrastructure/campaign-database';
import { Clock, SystemClock } from './infrastructure/clock';
import { CampaignFacts } from './modules/campaigns/campaign-facts.publisher';
import { CampaignsController } from './modules/campaigns/campaigns.controller';
import { CampaignsService } from './modules/campaigns/campaigns.service';
import { ComplianceReportService } from './modules/campaigns/compliance-report.service';
import { ContactsService } from './modules/contacts/contacts.service';
import { CampaignRuntimes } from './modules/dialer/campaign-runtime';
import {
  CALL_FACTS_CONSUMER,
  CallFactsConsumer,
  type CallFactsConsumerOptions,
} from './modules/dialer/call-facts.consumer';
import { DialerMetrics } from './modules/dialer/dialer.metrics';
import { DIALER_OPTIONS, DialerService, type DialerOptions } from './modules/dialer/dialer.service';
import { AgentAvailabilityPort, DoNotCallPort, OriginatePort } from './modules/dialer/peers.port';
import { PreviewController } from './modules/dialer/preview.controller';

export interface DialerPeers {
  agents: () => AgentAvailabilityPort;
  dnc: () => DoNotCallPort;
  telephony: () => OriginatePort;
}

export interface CampaignModuleOptions {
  clock?: Clock;
  /** The dialer and its peers (acd, crm, telephony); omit to run the API alone. */
  dialer?: DialerOptions & { peers: DialerPeers };
  /** Consume telephony's call facts (needs the platform's messaging). */
  callFacts?: CallFactsConsumerOptions;
}

/** campaign's domain: REST, the dialer loop, the call-facts consumer. */
@Module({})
export class CampaignModule {
  static forRoot(options: CampaignModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      CampaignDatabase,
      CampaignsService,
      ContactsService,
      ComplianceReportService,
      CampaignFacts,
      CampaignRuntimes,
      DialerMetrics,
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
    ];
    if (options.dialer) {
      const { peers, ...dialerOptions } = options.dialer;
      providers.push(
        { provide: DIALER_OPTIONS, useValue: dialerOptions },
        { provide: AgentAvailabilityPort, useFactory: peers.agents },
        { provide: DoNotCallPort, useFactory: peers.dnc },
        { provide: OriginatePort, useFactory: peers.telephony },
        DialerService,
      );
    }
    const controllers: Type[] = [CampaignsController];
    if (options.dialer) controllers.push(PreviewController);
    if (options.callFacts) {
      providers.push({ provide: CALL_FACTS_CONSUMER, useValue: options.callFacts }, CallFactsConsumer);
    }
    return {
      module: CampaignModule,
      controllers,
      providers,
      exports: [CampaignDatabase, CampaignRuntimes],
    };
  }
}
