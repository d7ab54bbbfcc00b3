import { createHash, timingSafeEqual } from 'node:crypto';

export interface OperatorTokenEntry {
  name: string;
  /** sha256 of the token. */
  hash: Buffer;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Parses OPERATOR_TOKENS (`name=token` or `name=sha256:<hex>`, comma-separated). Plain tokens are
 * hashed at once so that only hashes stay in memory.
 */
export function parseOperatorTokens(raw: string): OperatorTokenEntry[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) {
        throw new Error('OPERATOR_TOKENS entries must be name=token or name=sha256:<hex>');
      }
      const name = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(name))
        throw new Error(`operator token name "${name}" is not a slug`);
      if (value.startsWith('sha256:')) {
        const hex = value.slice('sha256:'.length);
        if (!/^[0-9a-f]{64}$/i.test(hex))
          throw new Error(`operator token ${name}: sha256 must be 64 hex digits`);
        return { name, hash: Buffer.from(hex, 'hex') };
      }
      if (value.length < 24) throw new Error(`operator token ${name} must be at least 24 characters`);
      return { name, hash: sha256(value) };
    });
}

/**
 * Finds the entry a presented token belongs to. Compares with every entry in constant time and
 * never stops early, so timing tells neither whether nor which token matched.
 */
export function matchOperatorToken(
  entries: readonly OperatorTokenEntry[],
  presented: string,
): string | undefined {
  const hash = sha256(presented);
  let match: string | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, hash) && match === undefined) match = entry.name;
  }
  return match;
}
