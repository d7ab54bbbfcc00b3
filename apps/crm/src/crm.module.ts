import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { Clock, SystemClock } from './infrastructure/clock';
import { CrmDatabase } from './infrastructure/crm-database';
import { CustomersController } from './modules/customers/customers.controller';
import { CustomersImportService } from './modules/customers/customers-import.service';
import { CustomersRepository } from './modules/customers/customers.repository';
import { CustomersService } from './modules/customers/customers.service';
import { ImportJobs } from './modules/customers/import-job';
import { ImportsController } from './modules/customers/imports.controller';
import { DncController } from './modules/dnc/dnc.controller';
import { DncService } from './modules/dnc/dnc.service';
import { CrmGrpcController } from './modules/grpc/crm.grpc.controller';
import {
  CALL_FACTS_CONSUMER,
  CallFactsConsumer,
  type CallFactsConsumerOptions,
} from './modules/interactions/call-facts.consumer';
import { InteractionsRepository } from './modules/interactions/interactions.repository';
import { InteractionsService } from './modules/interactions/interactions.service';
import { LeadsController } from './modules/leads/leads.controller';
import { LeadsService } from './modules/leads/leads.service';
import { ScreenPopService } from './modules/screen-pop/screen-pop.service';
import { SettingsController } from './modules/settings/settings.controller';
import { SettingsRepository } from './modules/settings/settings.repository';
import { SettingsService } from './modules/settings/settings.service';
import { TenantSettingsCache } from './modules/settings/tenant-settings.cache';
import { CrmFactsOutbox } from './modules/value/crm-facts.outbox';
import { OUTBOX_DATABASE, OUTBOX_RELAY_OPTIONS, OutboxRelay, type OutboxRelayOptions } from '@cc/platform';
import { ValueService } from './modules/value/value.service';

export interface CrmModuleOptions {
  /** Consume call facts (needs the MessagingModule); omit to run without NATS. */
  callFacts?: CallFactsConsumerOptions;
  /** Publish the outbox to JetStream (needs the platform's messaging); omit to run without NATS. */
  outboxRelay?: OutboxRelayOptions;
  clock?: Clock;
}

/** crm's domain: repositories, services, REST and gRPC controllers, the call-facts consumer. */
@Module({})
export class CrmModule {
  static forRoot(options: CrmModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      CrmDatabase,
      SettingsRepository,
      CustomersRepository,
      InteractionsRepository,
      SettingsService,
      CustomersService,
      CustomersImportService,
      ImportJobs,
      InteractionsService,
      LeadsService,
      ValueService,
      DncService,
      ScreenPopService,
      TenantSettingsCache,
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      CrmFactsOutbox,
    ];
    if (options.outboxRelay) {
      providers.push(
        { provide: OUTBOX_RELAY_OPTIONS, useValue: options.outboxRelay },
        { provide: OUTBOX_DATABASE, useExisting: CrmDatabase },
        OutboxRelay,
      );
    }
    if (options.callFacts) {
      providers.push({ provide: CALL_FACTS_CONSUMER, useValue: options.callFacts }, CallFactsConsumer);
    }
    return {
      module: CrmModule,
      controllers: [
        CustomersController,
        ImportsController,
        LeadsController,
        DncController,
        SettingsController,
        CrmGrpcController,
      ],
      providers,
      exports: [
        CrmDatabase,
        CustomersService,
        ScreenPopService,
        DncService,
        InteractionsService,
        ValueService,
      ],
    };
  }
}
