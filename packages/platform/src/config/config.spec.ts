import { z } from 'zod';
import { BaseConfigSchema, ConfigValidationError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(BaseConfigSchema, { SERVICE_NAME: 'acd', PORT: '8082' });
    expect(config.PORT).toBe(8082);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.DATABASE_ROLE).toBe('cc_app');
  });

  it('names every missing or bad variable at once and hides secrets', () => {
    const schema = BaseConfigSchema.extend({
      JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    });
    let error: unknown;
    try {
      loadConfig(schema, {
        PORT: 'eighty',
        NATS_URL: 'http://x',
        DATABASE_URL: 'mysql://u:hunter2@h/db',
        JWT_SECRET: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toMatch(/SERVICE_NAME: .*\(missing\)/);
    expect(problems).toMatch(/PORT: .*got "eighty"/);
    expect(problems).toMatch(/NATS_URL: must be a nats:\/\/ URL/);
    expect(problems).toMatch(/DATABASE_URL: .*u:\*\*\*@h/);
    expect(problems).toMatch(/JWT_SECRET: must be at least 32 characters \(got "\*\*\*"\)/);
    expect(problems).not.toContain('hunter2');
  });
});
