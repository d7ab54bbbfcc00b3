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

describe('ScaledClock ordering', () => {
  const stall = (ms: number): void => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // A GC pause or a busy machine between two setTimer calls of one request.
    }
  };

  it('fires in simulated-deadline order even when the process stalls between scheduling', async () => {
    const clock = new ScaledClock(1000);
    const fired: string[] = [];
    const done = new Promise<void>((resolve) => {
      clock.setTimer(30_000, () => {
        fired.push('timeout');
        resolve();
      });
      stall(60); // 60 real ms = 60 simulated seconds at scale 1000
      clock.setTimer(0, () => fired.push('answer'));
    });
    await done;
    expect(fired).toEqual(['answer', 'timeout']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps simulated time still within one turn and runs timers scheduled by a timer in a later turn', async () => {
    const clock = new ScaledClock(1000);
    const first = clock.now();
    stall(5);
    expect(clock.now()).toBe(first);
    const fired: string[] = [];
    await new Promise<void>((resolve) =>
      clock.setTimer(20, () => {
        fired.push('a');
        clock.setTimer(0, () => {
          fired.push('b');
          resolve();
        });
        fired.push('a-end');
      }),
    );
    expect(fired).toEqual(['a', 'a-end', 'b']);
    expect(clock.now()).toBeGreaterThan(first);
  });

  it('calls the after-each-timer hook between the timers of one batch', async () => {
    const clock = new ScaledClock(1000);
    const log: string[] = [];
    clock.onTimerRan(() => log.push('flush'));
    await new Promise<void>((resolve) => {
      clock.setTimer(5, () => log.push('a'));
      clock.setTimer(5, () => {
        log.push('b');
        resolve();
      });
    });
    expect(log).toEqual(['a', 'flush', 'b', 'flush']);
  });

  it('does not fire a cleared timer', async () => {
    const clock = new ScaledClock(1000);
    const fired: string[] = [];
    const gone = clock.setTimer(5, () => fired.push('gone'));
    clock.clearTimer(gone);
    expect(clock.pendingTimers()).toBe(0);
    await new Promise<void>((resolve) => clock.setTimer(20, resolve));
    expect(fired).toEqual([]);
  });

  it('keeps the real deadline of scheduled timers when the scale changes', async () => {
    const clock = new ScaledClock(1000);
    const start = Date.now();
    const fired = new Promise<number>((resolve) => clock.setTimer(40_000, () => resolve(Date.now())));
    clock.setTimeScale(1); // 40 s simulated at 1000x were 40 real ms; they stay 40 real ms
    const at = await fired;
    expect(at - start).toBeGreaterThanOrEqual(35);
    expect(at - start).toBeLessThan(5_000);
  });
});

describe('asteriskTimestamp', () => {
  it('formats like Asterisk', () => {
    expect(asteriskTimestamp(Date.UTC(2026, 10, 23, 13, 14, 48, 693))).toBe('2026-11-23T13:14:48.693+0000');
  });
});
