import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

export interface HealthModuleOptions {
  /** Providers (by token) that implement ReadinessCheck, e.g. the Postgres and NATS checks. */
  checks: Array<string | symbol | (abstract new (...args: never[]) => ReadinessCheck)>;
  /** Modules that provide those checks (global modules need not be listed). */
  imports?: DynamicModule['imports'];
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const checksProvider: Provider = {
      provide: READINESS_CHECKS,
      useFactory: (...checks: ReadinessCheck[]) => checks,
      inject: options.checks,
    };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [ShutdownState, checksProvider],
    };
  }
}
