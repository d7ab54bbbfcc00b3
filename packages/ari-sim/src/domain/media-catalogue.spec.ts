import { mediaDurationMs, numberWordCount, parseMediaUri } from './media-catalogue';

const duration = (uri: string, stored: Record<string, number> = {}): number | null | undefined => {
  const parsed = parseMediaUri(uri);
  if (!parsed) throw new Error('unparsable');
  return mediaDurationMs(parsed, (name) => stored[name], new Map([['tenant/welcome', 3000]]));
};

describe('media durations', () => {
  it('uses the lengths observed on Asterisk', () => {
    expect(duration('sound:hello-world')).toBe(1400);
    expect(duration('digits:123')).toBe(830 + 750 + 830);
    expect(duration('number:42')).toBe(1700);
    expect(duration('sound:tenant/welcome')).toBe(3000);
  });

  it('plays tones until stopped, recordings for their length, and fails what cannot play', () => {
    expect(duration('tone:ring')).toBeUndefined();
    expect(duration('recording:msg', { msg: 4200 })).toBe(4200);
    expect(duration('recording:missing')).toBeNull();
    expect(duration('digits:12x')).toBeNull();
    expect(duration('number:abc')).toBeNull();
    expect(parseMediaUri('video:x')).toBeUndefined();
  });

  it('counts the words of English numbers', () => {
    expect([0, 7, 13, 20, 42, 100, 115, 1000, 2500].map(numberWordCount)).toEqual([
      1, 1, 1, 1, 2, 2, 3, 2, 4,
    ]);
  });
});
