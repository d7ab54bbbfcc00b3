import { type DynamicModule, Module } from '@nestjs/common';
import type { z } from 'zod';
import { loadConfig } from './config';

/** Injection token for the validated configuration object of the running service. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Module({})
export class ConfigModule {
  /** Validates the environment against `schema` once, at start-up, and provides it as APP_CONFIG. */
  static forRoot<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadConfig(schema, env);
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }

  /** For tests and programmatic start: provide an already-built config. */
  static forValue(config: unknown): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
