import { fromTimestamp, toTimestamp } from './timestamp.util';

describe('timestamps', () => {
  it('converts a Date to seconds and nanos and back', () => {
    const date = new Date('2026-03-04T05:06:07.089Z');
    const timestamp = toTimestamp(date);
    expect(timestamp).toEqual({ seconds: Math.floor(date.getTime() / 1000), nanos: 89_000_000 });
    expect(fromTimestamp(timestamp)).toEqual(date);
  });

  it('keeps nanos non-negative before 1970, as protobuf requires', () => {
    const timestamp = toTimestamp(-1);
    expect(timestamp).toEqual({ seconds: -1, nanos: 999_000_000 });
    expect(fromTimestamp(timestamp).getTime()).toBe(-1);
  });

  it('passes an unset timestamp through and refuses an invalid date', () => {
    expect(fromTimestamp(undefined)).toBeUndefined();
    expect(fromTimestamp(null)).toBeUndefined();
    expect(() => toTimestamp(new Date('nope'))).toThrow(RangeError);
  });
});
