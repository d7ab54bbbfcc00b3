import { randomBytes } from 'node:crypto';
import { createCipheriv } from 'node:crypto';
import { decodeSecretKey, parseSecretKeys, SecretCipher } from './secret-cipher.util';

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
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[4] = ct.toString('base64url');
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

  it('rotates: the first key of the ring seals, every key opens what it sealed, a dropped key opens nothing', () => {
    const old = { id: '2026a', key: randomBytes(32) };
    const next = { id: '2026b', key: randomBytes(32) };
    const before = new SecretCipher([old]);
    const during = new SecretCipher([next, old]);
    const sealedOld = before.seal('whsec_1', 'ctx');
    expect(sealedOld.startsWith('v2.2026a.')).toBe(true);
    expect(during.open(sealedOld, 'ctx')).toBe('whsec_1');
    expect(during.isCurrent(sealedOld)).toBe(false);
    const sealedNew = during.seal('whsec_1', 'ctx');
    expect(sealedNew.startsWith('v2.2026b.')).toBe(true);
    expect(during.isCurrent(sealedNew)).toBe(true);
    expect(() => before.open(sealedNew, 'ctx')).toThrow(/not in the ring/);
    expect(() => new SecretCipher([next]).open(sealedOld, 'ctx')).toThrow(/not in the ring/);
  });

  it('still opens v1 values (before key ids) with whichever key of the ring sealed them', () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from('ctx', 'utf8'));
    const ct = Buffer.concat([cipher.update('whsec_v1', 'utf8'), cipher.final()]);
    const v1 = ['v1', iv, cipher.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
    expect(SecretCipher.isSealed(v1)).toBe(true);
    const ring = new SecretCipher([
      { id: 'new', key: randomBytes(32) },
      { id: 'old', key },
    ]);
    expect(ring.open(v1, 'ctx')).toBe('whsec_v1');
    expect(ring.isCurrent(v1)).toBe(false);
    expect(() => new SecretCipher(randomBytes(32)).open(v1, 'ctx')).toThrow(/no key of the ring/);
  });

  it('parses WEBHOOK_SECRET_KEYS and refuses malformed rings', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    expect(parseSecretKeys(`new=${a.toString('base64')}, old=${b.toString('base64url')}`)).toEqual([
      { id: 'new', key: a },
      { id: 'old', key: b },
    ]);
    expect(parseSecretKeys(`x=${a.toString('base64')},x=${b.toString('base64')}`)).toBeUndefined();
    expect(parseSecretKeys(`bad id=${a.toString('base64')}`)).toBeUndefined();
    expect(parseSecretKeys(`k=${randomBytes(16).toString('base64')}`)).toBeUndefined();
    expect(parseSecretKeys(a.toString('base64'))).toBeUndefined();
  });
});
