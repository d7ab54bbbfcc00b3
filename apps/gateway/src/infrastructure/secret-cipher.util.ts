import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** `v1.<iv>.<tag>.<ct>`: before key ids (opened with any key of the ring). */
const LEGACY_VERSION = 'v1';
/** `v2.<keyId>.<iv>.<tag>.<ct>`. */
const VERSION = 'v2';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** Decodes a base64 (or base64url) key; undefined unless it is exactly 32 bytes. */
export function decodeSecretKey(encoded: string): Buffer | undefined {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  return key.length === SECRET_KEY_BYTES ? key : undefined;
}

export interface SecretKey {
  /** Names the key inside every value it sealed, so the ring knows which key opens it. */
  id: string;
  key: Buffer;
}

/**
 * Parses `id=base64,id2=base64` (WEBHOOK_SECRET_KEYS): the first key seals, all of them open.
 * Undefined when malformed (an id, a key, or a repeated id).
 */
export function parseSecretKeys(text: string): SecretKey[] | undefined {
  const keys: SecretKey[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const id = part.slice(0, eq);
    const key = decodeSecretKey(part.slice(eq + 1));
    if (!KEY_ID.test(id) || !key || keys.some((k) => k.id === id)) return undefined;
    keys.push({ id, key });
  }
  return keys.length > 0 ? keys : undefined;
}

/**
 * AES-256-GCM for secrets the gateway must read back in clear (webhook signing secrets, replayed
 * responses that carry a key), with a key ring for rotation: the first key seals, as
 * `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url); every key of the ring opens what it sealed
 * (and `v1.` values from before key ids are tried with each). `context` is authenticated data naming
 * the row the secret belongs to, so a ciphertext copied into another row (another tenant's
 * subscription) does not decrypt.
 */
export class SecretCipher {
  private readonly keys: readonly SecretKey[];

  constructor(keys: Buffer | readonly SecretKey[]) {
    this.keys = Buffer.isBuffer(keys) ? [{ id: 'k1', key: keys }] : keys;
    if (this.keys.length === 0) throw new Error('the key ring is empty');
    for (const k of this.keys) {
      if (k.key.length !== SECRET_KEY_BYTES)
        throw new Error(`the secret key must be ${SECRET_KEY_BYTES} bytes`);
      if (!KEY_ID.test(k.id)) throw new Error(`bad key id ${k.id}`);
    }
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  static isSealed(value: string): boolean {
    const parts = value.split('.').length;
    return (
      (value.startsWith(`${LEGACY_VERSION}.`) && parts === 4) ||
      (value.startsWith(`${VERSION}.`) && parts === 5)
    );
  }

  /** Whether `sealed` was sealed by the current key (else a rotation re-seals it). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${VERSION}.${this.currentKeyId}.`);
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, id, iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plaintext; throws if the value was altered, belongs to another context or to no key of the ring. */
  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
      const key = this.keys.find((k) => k.id === id);
      if (!key) throw new Error(`sealed with key ${id}, which is not in the ring`);
      return decrypt(key.key, iv, tag, ciphertext, context);
    }
    if (parts[0] === LEGACY_VERSION && parts.length === 4) {
      const [, iv, tag, ciphertext] = parts as [string, string, string, string];
      for (const { key } of this.keys) {
        try {
          return decrypt(key, iv, tag, ciphertext, context);
        } catch {
          // Another key of the ring may have sealed it.
        }
      }
      throw new Error('no key of the ring opens this secret');
    }
    throw new Error('not a sealed secret');
  }
}

function decrypt(key: Buffer, iv: string, tag: string, ciphertext: string, context: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}
