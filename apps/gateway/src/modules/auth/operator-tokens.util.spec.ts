import { createHash } from 'node:crypto';
import { matchOperatorToken, parseOperatorTokens } from './operator-tokens.util';

describe('operator tokens', () => {
  const token = 'cco_0123456789abcdef0123456789';
  const other = 'cco_zzzzzzzzzzzzzzzzzzzzzzzzzz';

  it('matches a plain token by name and keeps only its hash', () => {
    const entries = parseOperatorTokens(`alice=${token}, ci=${other}`);
    expect(entries.map((e) => e.name)).toEqual(['alice', 'ci']);
    expect(JSON.stringify(entries)).not.toContain(token);
    expect(matchOperatorToken(entries, token)).toBe('alice');
    expect(matchOperatorToken(entries, other)).toBe('ci');
    expect(matchOperatorToken(entries, `${token}x`)).toBeUndefined();
  });

  it('accepts pre-hashed entries', () => {
    const hex = createHash('sha256').update(token).digest('hex');
    expect(matchOperatorToken(parseOperatorTokens(`ops=sha256:${hex}`), token)).toBe('ops');
  });

  it('refuses malformed or short entries', () => {
    expect(() => parseOperatorTokens('justatoken')).toThrow(/name=token/);
    expect(() => parseOperatorTokens('a=short')).toThrow(/24 characters/);
    expect(() => parseOperatorTokens('a=sha256:abc')).toThrow(/64 hex/);
    expect(parseOperatorTokens('')).toEqual([]);
  });
});
