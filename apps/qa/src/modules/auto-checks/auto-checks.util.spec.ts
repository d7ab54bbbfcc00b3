import { type CallFacts, DEFAULT_CHECK_LIMITS } from './auto-check.model';
import { autoAnswer, failedChecks, runAutoChecks } from './auto-checks.util';

const clean: CallFacts = {
  answered: true,
  direction: 'inbound',
  waitMs: 20_000,
  talkMs: 180_000,
  holdMs: 30_000,
  holdCount: 1,
  transferCount: 0,
  disposition: 'resolved',
  recordingId: 'rec-1',
  consentPlayed: true,
};
const outcomes = (call: CallFacts) =>
  Object.fromEntries(runAutoChecks(call, DEFAULT_CHECK_LIMITS).map((r) => [r.check, r.outcome]));

describe('runAutoChecks', () => {
  it('passes a clean call on every check', () => {
    expect(failedChecks(runAutoChecks(clean, DEFAULT_CHECK_LIMITS))).toEqual([]);
    expect(Object.values(outcomes(clean))).toEqual(Array(7).fill('pass'));
  });

  it('fails each rule past its limit (limits are inclusive)', () => {
    const bad: CallFacts = {
      ...clean,
      holdMs: 120_001,
      holdCount: 3,
      waitMs: 60_001,
      transferCount: 2,
      talkMs: 9_999,
      disposition: null,
      consentPlayed: false,
    };
    expect(failedChecks(runAutoChecks(bad, DEFAULT_CHECK_LIMITS))).toEqual([
      'hold_over_limit',
      'too_many_holds',
      'long_wait',
      'transfers',
      'short_call',
      'missing_disposition',
      'recording_consent',
    ]);
    const atLimits = {
      ...clean,
      holdMs: 120_000,
      holdCount: 2,
      waitMs: 60_000,
      transferCount: 1,
      talkMs: 10_000,
    };
    expect(failedChecks(runAutoChecks(atLimits, DEFAULT_CHECK_LIMITS))).toEqual([]);
  });

  it('reports what it saw and the limit it held the call to', () => {
    const hold = runAutoChecks(
      { ...clean, holdMs: 200_000 },
      { ...DEFAULT_CHECK_LIMITS, maxHoldMs: 90_000 },
    )[0];
    expect(hold).toEqual({ check: 'hold_over_limit', outcome: 'fail', observed: 200_000, limit: 90_000 });
  });

  it('does not judge the agent on a call nobody answered', () => {
    const unanswered = outcomes({
      ...clean,
      answered: false,
      talkMs: 0,
      disposition: null,
      recordingId: null,
      consentPlayed: null,
    });
    expect(unanswered).toEqual({
      hold_over_limit: 'na',
      too_many_holds: 'na',
      long_wait: 'na',
      transfers: 'na',
      short_call: 'na',
      missing_disposition: 'na',
      recording_consent: 'na',
    });
  });

  it('does not judge an outbound call by its wait, and consent only on recorded calls', () => {
    expect(outcomes({ ...clean, direction: 'outbound', waitMs: 500_000 }).long_wait).toBe('na');
    expect(outcomes({ ...clean, recordingId: null, consentPlayed: null }).recording_consent).toBe('na');
  });

  it('keeps consent pending until recording.ready says whether it played', () => {
    expect(outcomes({ ...clean, consentPlayed: null }).recording_consent).toBe('pending');
  });

  it('leaves out what the tenant does not require', () => {
    const limits = { ...DEFAULT_CHECK_LIMITS, requireDisposition: false, requireConsent: false };
    const r = runAutoChecks({ ...clean, disposition: null, consentPlayed: false }, limits);
    expect(failedChecks(r)).toEqual([]);
  });
});

describe('autoAnswer', () => {
  it('answers yes for a pass, no for a fail and n/a otherwise', () => {
    expect([autoAnswer('pass'), autoAnswer('fail'), autoAnswer('na'), autoAnswer('pending')]).toEqual([
      'yes',
      'no',
      'na',
      'na',
    ]);
  });
});
