import { API_KEY_PREFIX, generateApiKey, parseApiKey } from './api-key.util';

describe('api keys', () => {
  it('generates recognisable keys whose id parses back', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(parseApiKey(a.key)).toEqual({ keyId: a.keyId });
    expect(a.displayPrefix).toBe(`cck_live_${a.keyId}`);
    expect(a.displayPrefix.length).toBeLessThan(a.key.length - 40);
  });

  it('refuses anything else', () => {
    const { key } = generateApiKey();
    expect(parseApiKey(key.slice(0, -1))).toBeUndefined();
    expect(parseApiKey(key.replace('cck_live_', 'cck_test_'))).toBeUndefined();
    expect(parseApiKey('cck_live_')).toBeUndefined();
    expect(parseApiKey('Bearer x')).toBeUndefined();
  });
});
