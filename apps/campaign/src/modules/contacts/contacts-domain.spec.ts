import { contactOrder, type PrioritizedContact } from './contact-priority.util';
import { dueCadenceStep } from './renewal-cadence.util';
import { DEFAULT_RETRY_RULES, nextRetry } from './retry-rules.util';

const now = new Date('2026-06-10T12:00:00Z');

describe('nextRetry', () => {
  it('retries busy after its delay and stops after its retries', () => {
    expect(nextRetry('busy', { attempts: 1, outcomes: { busy: 1 } }, DEFAULT_RETRY_RULES, 10, now)).toEqual({
      retry: true,
      at: new Date('2026-06-10T12:15:00Z'),
    });
    expect(nextRetry('busy', { attempts: 4, outcomes: { busy: 4 } }, DEFAULT_RETRY_RULES, 10, now)).toEqual({
      retry: false,
      reason: 'max_retries',
    });
  });

  it('never retries a final outcome and never past the maximum attempts', () => {
    expect(nextRetry('sale', { attempts: 1, outcomes: {} }, DEFAULT_RETRY_RULES, 10, now)).toMatchObject({
      reason: 'final_outcome',
    });
    expect(
      nextRetry('do_not_call', { attempts: 1, outcomes: {} }, DEFAULT_RETRY_RULES, 10, now),
    ).toMatchObject({ retry: false });
    expect(
      nextRetry('no_answer', { attempts: 3, outcomes: { no_answer: 1 } }, DEFAULT_RETRY_RULES, 3, now),
    ).toMatchObject({
      reason: 'max_attempts',
    });
  });

  it('calls back at the time the callee asked for', () => {
    const at = new Date('2026-06-11T09:30:00Z');
    expect(
      nextRetry(
        'callback_requested',
        { attempts: 1, outcomes: { callback_requested: 1 } },
        DEFAULT_RETRY_RULES,
        5,
        now,
        at,
      ),
    ).toEqual({
      retry: true,
      at,
    });
  });
});

describe('contactOrder', () => {
  const c = (id: string, extra: Partial<PrioritizedContact> = {}): PrioritizedContact => ({
    id,
    attempts: 0,
    ...extra,
  });

  it('orders by the chosen keys, then due retries, fewer attempts, id', () => {
    const contacts = [
      c('a', { leadScore: 10, valueTier: 3 }),
      c('b', { leadScore: 90, valueTier: 0 }),
      c('c', { leadScore: 10, valueTier: 1, attempts: 2 }),
      c('d', { leadScore: 10, valueTier: 1 }),
    ];
    expect([...contacts].sort(contactOrder(['lead_score', 'value_tier'])).map((x) => x.id)).toEqual([
      'b',
      'a',
      'd',
      'c',
    ]);
    expect([...contacts].sort(contactOrder(['value_tier'])).map((x) => x.id)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('puts the earliest due date first and contacts without one last', () => {
    const contacts = [
      c('x'),
      c('y', { dueAt: new Date('2026-09-01') }),
      c('z', { dueAt: new Date('2026-07-01') }),
    ];
    expect([...contacts].sort(contactOrder(['due_date'])).map((x) => x.id)).toEqual(['z', 'y', 'x']);
  });
});

describe('dueCadenceStep', () => {
  const steps = [
    { daysBefore: 90, action: 'early renewal offer' },
    { daysBefore: 60, action: 'reminder' },
    { daysBefore: 30, action: 'last call' },
  ];
  const zone = 'Europe/Berlin';

  it('is due 90, 60 and 30 days before the contract ends, each step once', () => {
    const end = '2026-12-31';
    expect(dueCadenceStep(steps, end, new Date('2026-09-01T10:00:00Z'), zone, new Set())).toBeUndefined();
    expect(dueCadenceStep(steps, end, new Date('2026-10-02T10:00:00Z'), zone, new Set())).toMatchObject({
      index: 0,
    });
    expect(dueCadenceStep(steps, end, new Date('2026-10-02T10:00:00Z'), zone, new Set([0]))).toBeUndefined();
    expect(dueCadenceStep(steps, end, new Date('2026-11-01T10:00:00Z'), zone, new Set([0]))).toMatchObject({
      index: 1,
      step: { action: 'reminder' },
    });
    // A missed step is skipped for the current one, not doubled.
    expect(dueCadenceStep(steps, end, new Date('2026-12-05T10:00:00Z'), zone, new Set())).toMatchObject({
      index: 2,
    });
    expect(dueCadenceStep(steps, end, new Date('2027-01-01T10:00:00Z'), zone, new Set())).toBeUndefined();
  });

  it('counts days in the campaign zone', () => {
    // 2026-10-01 23:30 UTC is already 2026-10-02 in Berlin: 90 days before 2026-12-31.
    expect(
      dueCadenceStep(steps, '2026-12-31', new Date('2026-10-01T23:30:00Z'), zone, new Set()),
    ).toMatchObject({ index: 0 });
    expect(dueCadenceStep(steps, 'not-a-date', new Date(), zone, new Set())).toBeUndefined();
  });
});
