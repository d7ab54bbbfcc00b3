import fc from 'fast-check';
import { AbandonmentLedger, REGULATORY_WINDOWS } from './abandonment-ledger';

const HOUR = 3_600_000;

describe('AbandonmentLedger', () => {
  it('counts live answers and abandonments per rolling window and lets old ones roll out', () => {
    const ledger = new AbandonmentLedger();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 100; i++) ledger.recordLiveAnswer(t0 + i * 1000, i < 3);
    ledger.recordDial(t0);
    expect(ledger.counts('24h', t0 + HOUR)).toEqual({
      window: '24h',
      dials: 1,
      liveAnswers: 100,
      abandoned: 3,
      rate: 0.03,
    });
    // 25 h later the 24-hour window is empty; the 30-day window still holds everything.
    ledger.recordLiveAnswer(t0 + 25 * HOUR, false);
    expect(ledger.counts('24h', t0 + 25 * HOUR)).toMatchObject({ liveAnswers: 1, abandoned: 0, rate: 0 });
    expect(ledger.counts('30d', t0 + 25 * HOUR)).toMatchObject({ liveAnswers: 101, abandoned: 3 });
    expect(ledger.counts('30d', t0 + 32 * 24 * HOUR)).toMatchObject({ liveAnswers: 0, abandoned: 0 });
  });

  it('refuses a window it does not keep', () => {
    expect(() => new AbandonmentLedger().counts('7d', 0)).toThrow(/no window 7d/);
  });

  it('property: equals a brute-force count over random events and query times', () => {
    const event = fc.record({
      at: fc.integer({ min: 0, max: 40 * 24 * 60 }).map((m) => m * 60_000 + 17),
      kind: fc.constantFrom('dial', 'connected', 'abandoned'),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 45 * 24 * 60 }), { minLength: 1, maxLength: 10 }),
        (events, queries) => {
          const sorted = [...events].sort((a, b) => a.at - b.at);
          const times = [...queries].sort((a, b) => a - b).map((m) => m * 60_000);
          const ledger = new AbandonmentLedger(REGULATORY_WINDOWS);
          let next = 0;
          for (const now of times) {
            // Events arrive in time order up to the query (as facts do).
            while (next < sorted.length && sorted[next]!.at <= now) {
              const e = sorted[next++]!;
              if (e.kind === 'dial') ledger.recordDial(e.at);
              else ledger.recordLiveAnswer(e.at, e.kind === 'abandoned');
            }
            for (const w of REGULATORY_WINDOWS) {
              const startMinute = Math.floor((now - w.lengthMs) / 60_000) + 1;
              const inside = sorted.slice(0, next).filter((e) => Math.floor(e.at / 60_000) >= startMinute);
              const live = inside.filter((e) => e.kind !== 'dial').length;
              const abandoned = inside.filter((e) => e.kind === 'abandoned').length;
              expect(ledger.counts(w.name, now)).toEqual({
                window: w.name,
                dials: inside.length - live,
                liveAnswers: live,
                abandoned,
                rate: live > 0 ? abandoned / live : 0,
              });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
