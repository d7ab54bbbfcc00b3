import { ConfigValidationError, loadConfig } from '@cc/platform';
import { randomBytes } from 'node:crypto';
import { GatewayConfigSchema, webhookSecretKey, webhookSecretKeys } from './gateway.config';

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

  it('takes a key ring for rotation (first key seals), even alone in production, and never echoes a key', () => {
    const next = randomBytes(32);
    const old = randomBytes(32);
    const config = loadConfig(GatewayConfigSchema, {
      ...base,
      NODE_ENV: 'production',
      WEBHOOK_SECRET_KEYS: `2026b=${next.toString('base64')},2026a=${old.toString('base64')}`,
    });
    expect(webhookSecretKeys(config)).toEqual([
      { id: '2026b', key: next },
      { id: '2026a', key: old },
    ]);
    const single = loadConfig(GatewayConfigSchema, { ...base, WEBHOOK_SECRET_KEY: old.toString('base64') });
    expect(webhookSecretKeys(single)).toEqual([{ id: 'k1', key: old }]);
    const bad = `a=${old.toString('base64')},a=${next.toString('base64')}`;
    let error: unknown;
    try {
      loadConfig(GatewayConfigSchema, { ...base, WEBHOOK_SECRET_KEYS: bad });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/WEBHOOK_SECRET_KEYS: must be id=key pairs/);
    expect((error as Error).message).not.toContain(old.toString('base64'));
  });
});
