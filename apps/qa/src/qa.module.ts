import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { Clock, SystemClock } from './infrastructure/clock';
import { OUTBOX_DATABASE, OUTBOX_RELAY_OPTIONS, OutboxRelay, type OutboxRelayOptions } from '@cc/platform';
import { QaDatabase } from './infrastructure/qa-database';
import { QaMetrics } from './infrastructure/qa-metrics';
import { CalibrationController } from './modules/calibration/calibration.controller';
import { CalibrationService } from './modules/calibration/calibration.service';
import {
  CALL_FACTS_CONSUMER,
  CallFactsConsumer,
  type CallFactsConsumerOptions,
} from './modules/calls/call-facts.consumer';
import { CallFactsService } from './modules/calls/call-facts.service';
import { CallsController } from './modules/calls/calls.controller';
import { CallsRepository } from './modules/calls/calls.repository';
import { EvaluationsController } from './modules/evaluations/evaluations.controller';
import { EvaluationsRepository } from './modules/evaluations/evaluations.repository';
import { EvaluationsService } from './modules/evaluations/evaluations.service';
import { QaFactsOutbox } from './modules/facts/qa-facts.outbox';
import { QaGrpcController } from './modules/grpc/qa.grpc.controller';
import { ScorecardsController } from './modules/scorecards/scorecards.controller';
import { ScorecardsRepository } from './modules/scorecards/scorecards.repository';
import { ScorecardsService } from './modules/scorecards/scorecards.service';
import { ScoresController } from './modules/scores/scores.controller';
import { ScoresService } from './modules/scores/scores.service';
import {
  SCORE_AGEING_OPTIONS,
  ScoreAgeingSweep,
  type ScoreAgeingOptions,
} from './modules/scores/score-ageing.sweep';
import { QaSettingsController } from './modules/settings/qa-settings.controller';
import { QaSettingsRepository } from './modules/settings/qa-settings.repository';
import { QaSettingsService } from './modules/settings/qa-settings.service';
import { WorkItemsController } from './modules/work-items/work-items.controller';
import { WorkItemsRepository } from './modules/work-items/work-items.repository';
import { WorkItemsService } from './modules/work-items/work-items.service';

export interface QaModuleOptions {
  /** Consume call facts (needs the platform's messaging); omit to run without NATS. */
  callFacts?: CallFactsConsumerOptions;
  /** Publish the outbox to JetStream (needs the platform's messaging); omit to run without NATS. */
  outboxRelay?: OutboxRelayOptions;
  clock?: Clock;
  scoreAgeing?: ScoreAgeingOptions;
}

/** qa's domain: repositories, services, REST and gRPC controllers, the call-facts consumer, the outbox relay. */
@Module({})
export class QaModule {
  static forRoot(options: QaModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      QaDatabase,
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      QaSettingsRepository,
      QaSettingsService,
      ScorecardsRepository,
      ScorecardsService,
      CallsRepository,
      CallFactsService,
      WorkItemsRepository,
      WorkItemsService,
      EvaluationsRepository,
      EvaluationsService,
      CalibrationService,
      ScoresService,
      { provide: SCORE_AGEING_OPTIONS, useValue: options.scoreAgeing ?? { intervalMs: 0 } },
      ScoreAgeingSweep,
      QaFactsOutbox,
      QaMetrics,
    ];
    if (options.outboxRelay) {
      providers.push(
        { provide: OUTBOX_RELAY_OPTIONS, useValue: options.outboxRelay },
        { provide: OUTBOX_DATABASE, useExisting: QaDatabase },
        OutboxRelay,
      );
    }
    if (options.callFacts) {
      providers.push({ provide: CALL_FACTS_CONSUMER, useValue: options.callFacts }, CallFactsConsumer);
    }
    return {
      module: QaModule,
      controllers: [
        QaSettingsController,
        ScorecardsController,
        CallsController,
        WorkItemsController,
        EvaluationsController,
        CalibrationController,
        ScoresController,
        QaGrpcController,
      ],
      providers,
      exports: [QaDatabase, CallFactsService, EvaluationsService],
    };
  }
}
