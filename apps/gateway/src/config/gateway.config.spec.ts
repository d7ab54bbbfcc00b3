import { ConfigValidationError, loadConfig } from '@cc/platform';
import { randomBytes } from 'node:crypto';
import { GatewayConfigSchema, webhookSecretKey } from './gateway.config';

describe('gateway config: WEBHOOK_SECRET_KEY', () => {
  const base = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
    NATS_URL: 'nats://127.0.0.1:4222',
    JWT_SECRET: 'j'.repeat(32),
  };

  it('takes a 32-byte base64 key', () => {
    const key = randomBytes(32);
    const config = loadConfig(GatewayConfigSchema, {
      ...base,
      NODE_ENV: 'production',
      WEBHOOK_SECRET_KEY: key.toString('base64'),
    });
    expect(webhookSecretKey(config)).toEqual(key);
  });

  it('refuses a key of another length, without echoing it', () => {
    const wrong = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      loadConfig(GatewayConfigSchema, { ...base, WEBHOOK_SECRET_KEY: wrong });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toMatch(/WEBHOOK_SECRET_KEY: must be 32 bytes/);
    expect((error as Error).message).not.toContain(wrong);
  });

  it('requires the key in production and uses the development key elsewhere', () => {
    expect(() => loadConfig(GatewayConfigSchema, { ...base, NODE_ENV: 'production' })).toThrow(
      /WEBHOOK_SECRET_KEY: is required in production/,
    );
    const dev = loadConfig(GatewayConfigSchema, { ...base, NODE_ENV: 'development' });
    expect(webhookSecretKey(dev)).toHaveLength(32);
    expect(() => webhookSecretKey({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: undefined })).toThrow(
      /required/,
    );
  });
});
