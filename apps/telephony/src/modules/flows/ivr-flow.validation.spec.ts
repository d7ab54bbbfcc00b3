import { validateIvrFlow } from './ivr-flow.validation';

const base = {
  start: 'welcome',
  steps: {
    welcome: { type: 'play', media: ['sound:hello-world'], next: 'menu' },
    menu: {
      type: 'menu',
      prompt: ['sound:press-1'],
      options: { '1': 'queue', '2': 'message' },
      timeoutMs: 3000,
      retries: 2,
      invalidPrompt: ['sound:option-is-invalid'],
      onFailure: 'bye',
    },
    queue: { type: 'queue', queueId: 'sales' },
    message: { type: 'message', prompt: ['sound:vm-intro'], maxSeconds: 60 },
    bye: { type: 'hangup' },
  },
};

describe('validateIvrFlow', () => {
  it('accepts a sound flow and fills defaults', () => {
    const result = validateIvrFlow(base);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.flow.steps.queue).toMatchObject({ mohClass: 'default' });
  });

  it('names every dangling reference', () => {
    const result = validateIvrFlow({
      ...base,
      steps: { ...base.steps, welcome: { type: 'play', media: ['sound:x'], next: 'nowhere' } },
    });
    expect(result).toMatchObject({
      ok: false,
      violations: [{ field: 'steps.welcome.next', rule: 'dangling_reference' }],
    });
  });

  it('refuses unreachable steps and a missing start', () => {
    expect(validateIvrFlow({ ...base, steps: { ...base.steps, orphan: { type: 'hangup' } } })).toMatchObject({
      ok: false,
      violations: [{ field: 'steps.orphan', rule: 'unreachable' }],
    });
    expect(validateIvrFlow({ ...base, start: 'nope' })).toMatchObject({
      ok: false,
      violations: [{ field: 'start' }],
    });
  });

  it('refuses a loop that never waits for the caller, but allows one through a menu', () => {
    const loop = {
      start: 'a',
      steps: {
        a: { type: 'play', media: ['sound:x'], next: 'b' },
        b: { type: 'set', priority: 1, next: 'a' },
      },
    };
    const result = validateIvrFlow(loop);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations[0]?.rule).toBe('cycle_without_input');
    const throughMenu = {
      ...base,
      steps: { ...base.steps, bye: { type: 'play', media: ['sound:x'], next: 'menu' } },
    };
    expect(validateIvrFlow(throughMenu).ok).toBe(true);
  });

  it('refuses bad shapes with field paths: media, menu without timeout, bad zone, bad hours', () => {
    const bad = validateIvrFlow({
      start: 'h',
      steps: {
        h: {
          type: 'hours',
          timeZone: 'Mars/Olympus',
          weekly: { mon: [{ from: '18:00', to: '09:00' }] },
          open: 'p',
          closed: 'p',
        },
        p: { type: 'play', media: ['http://evil'], next: 'm' },
        m: {
          type: 'menu',
          prompt: ['sound:x'],
          options: { '1': 'p' },
          retries: 1,
          invalidPrompt: ['sound:x'],
          onFailure: 'p',
        },
      },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      const fields = bad.violations.map((v) => v.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'steps.h.timeZone',
          'steps.h.weekly.mon.0',
          'steps.p.media.0',
          'steps.m.timeoutMs',
        ]),
      );
    }
    expect(validateIvrFlow('nonsense').ok).toBe(false);
    expect(validateIvrFlow({ start: 'a', steps: {} }).ok).toBe(false);
  });
});
