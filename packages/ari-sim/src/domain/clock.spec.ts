import { asteriskTimestamp, ManualClock, ScaledClock } from './clock';

describe('ManualClock', () => {
  it('fires timers in deadline order, including timers scheduled while advancing', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push('b@' + clock.now()));
    clock.setTimer(100, () => {
      fired.push('a@' + clock.now());
      clock.setTimer(50, () => fired.push('c@' + clock.now()));
    });
    const cancelled = clock.setTimer(120, () => fired.push('never'));
    clock.clearTimer(cancelled);
    clock.advance(199);
    expect(fired).toEqual(['a@100', 'c@150']);
    clock.advance(1);
    expect(fired).toEqual(['a@100', 'c@150', 'b@200']);
    expect(clock.now()).toBe(200);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('ScaledClock', () => {
  it('runs simulated time faster than real time', async () => {
    const clock = new ScaledClock(1000);
    const start = clock.now();
    // 2 simulated seconds take about 2 real ms.
    await new Promise<void>((resolve) => clock.setTimer(2000, resolve));
    expect(clock.now() - start).toBeGreaterThanOrEqual(1900);
    expect(() => clock.setTimeScale(0)).toThrow(RangeError);
    clock.clearAll();
  });
});

describe('asteriskTimestamp', () => {
  it('formats like Asterisk', () => {
    expect(asteriskTimestamp(Date.UTC(2026, 10, 23, 13, 14, 48, 693))).toBe('2026-11-23T13:14:48.693+0000');
  });
});
