import { randomBytes } from 'node:crypto';

/** Every tenant API key starts with this, so secret scanners can recognise a leaked one. */
export const API_KEY_PREFIX = 'cck_live_';
const KEY_ID = /^[a-z0-9]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  keyId: string;
  /** The whole key, shown once. */
  key: string;
  /** Shown in lists: enough to match a leaked key, useless to use. */
  displayPrefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(10).toString('hex').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  const key = `${API_KEY_PREFIX}${keyId}_${secret}`;
  return { keyId, key, displayPrefix: `${API_KEY_PREFIX}${keyId}` };
}

/** Splits a presented key into its id (for the look-up) and checks its shape; undefined if not a key. */
export function parseApiKey(presented: string): { keyId: string } | undefined {
  if (!presented.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = presented.slice(API_KEY_PREFIX.length);
  const sep = rest.indexOf('_');
  if (sep < 0) return undefined;
  const keyId = rest.slice(0, sep);
  const secret = rest.slice(sep + 1);
  return KEY_ID.test(keyId) && SECRET.test(secret) ? { keyId } : undefined;
}
