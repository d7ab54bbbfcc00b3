import { randomBytes } from 'node:crypto';
import { decodeSecretKey, SecretCipher } from './secret-cipher.util';

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(randomBytes(32));

  it('round-trips, with a fresh IV each time', () => {
    const a = cipher.seal('whsec_abc', 'webhook_subscription:wh_1');
    const b = cipher.seal('whsec_abc', 'webhook_subscription:wh_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_abc');
    expect(SecretCipher.isSealed(a)).toBe(true);
    expect(cipher.open(a, 'webhook_subscription:wh_1')).toBe('whsec_abc');
  });

  it('refuses another context, another key and any altered byte', () => {
    const sealed = cipher.seal('whsec_abc', 'webhook_subscription:wh_1');
    expect(() => cipher.open(sealed, 'webhook_subscription:wh_2')).toThrow();
    expect(() => new SecretCipher(randomBytes(32)).open(sealed, 'webhook_subscription:wh_1')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'webhook_subscription:wh_1')).toThrow();
    expect(() => cipher.open('whsec_plain', 'x')).toThrow(/not a sealed secret/);
    expect(SecretCipher.isSealed('whsec_plain')).toBe(false);
  });

  it('accepts only 32-byte base64 keys', () => {
    const key = randomBytes(32);
    expect(decodeSecretKey(key.toString('base64'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64url'))).toEqual(key);
    expect(decodeSecretKey(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(decodeSecretKey('not base64!')).toBeUndefined();
    expect(() => new SecretCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
