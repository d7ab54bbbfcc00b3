import { supportScorecard } from '../../../test/fixtures/scorecards';
import { validateScorecard } from './scorecard-validation.util';

type Form = ReturnType<typeof supportScorecard>;
const violationsOf = (input: unknown) => {
  const check = validateScorecard(input, 'body');
  return check.ok ? [] : check.violations.map((v) => `${v.field} ${v.rule}`);
};
const edit = (fn: (form: Form) => void): Form => {
  const form = structuredClone(supportScorecard());
  fn(form);
  return form;
};

describe('validateScorecard', () => {
  it('accepts a well-formed form and fills the defaults', () => {
    const check = validateScorecard(supportScorecard());
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.definition.sections[0]!.questions[0]).toMatchObject({ critical: false, allowNa: false });
    }
  });

  it('refuses section weights that do not add up to 100, saying what they add up to', () => {
    const check = validateScorecard(
      edit((f) => (f.sections[1]!.weight = 50)),
      'body',
    );
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.violations).toEqual([
        { field: 'body.sections', rule: 'weights_sum', message: 'section weights add up to 90, not 100' },
      ]);
    }
  });

  it('refuses question weights of a section that do not add up to 100', () => {
    expect(violationsOf(edit((f) => (f.sections[0]!.questions[0]!.weight = 31)))).toEqual([
      'body.sections.0.questions weights_sum',
    ]);
  });

  it('tolerates decimal weights that add up within a hundredth', () => {
    const thirds = edit((f) => {
      f.sections[1]!.questions[0]!.weight = 33.33;
      f.sections[1]!.questions[1]!.weight = 33.33;
      f.sections[1]!.questions[2]!.weight = 33.34;
    });
    expect(violationsOf(thirds)).toEqual([]);
  });

  it('refuses a critical question without a fail answer, for every answer type', () => {
    const form = edit((f) => {
      (f.sections[0]!.questions[1] as Record<string, unknown>).failAnswers = [];
      (f.sections[1]!.questions[0] as Record<string, unknown>).critical = true;
      (f.sections[1]!.questions[1] as Record<string, unknown>).critical = true;
    });
    expect(violationsOf(form)).toEqual([
      'body.sections.0.questions.1.failAnswers critical_without_fail_answer',
      'body.sections.1.questions.0.options critical_without_fail_answer',
      'body.sections.1.questions.1.failBelow critical_without_fail_answer',
    ]);
  });

  it('refuses dangling conditions: an unknown question, a later question, an impossible answer', () => {
    const unknown = edit(
      (f) =>
        ((f.sections[1]!.questions[2] as Record<string, unknown>).condition = {
          questionId: 'nope',
          in: ['yes'],
        }),
    );
    expect(violationsOf(unknown)).toEqual([
      'body.sections.1.questions.2.condition.questionId dangling_condition',
    ]);

    const forward = edit((f) => {
      (f.sections[0]!.questions[0] as Record<string, unknown>).condition = {
        questionId: 'outcome',
        in: ['resolved'],
      };
    });
    const check = validateScorecard(forward);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.violations[0]!.message).toMatch(/comes later/);

    const impossible = edit(
      (f) =>
        ((f.sections[1]!.questions[2] as Record<string, unknown>).condition = {
          questionId: 'outcome',
          in: ['escalated', 'lost'],
        }),
    );
    expect(violationsOf(impossible)).toEqual([
      'body.sections.1.questions.2.condition.in.1 dangling_condition',
    ]);
  });

  it('refuses duplicate ids, a choice without points and a fail mark outside the scale', () => {
    const form = edit((f) => {
      f.sections[1]!.questions[2]!.id = 'greeting';
      for (const o of (f.sections[1]!.questions[0] as { options: { points: number }[] }).options)
        o.points = 0;
      Object.assign(f.sections[1]!.questions[1]!, { failBelow: 9 });
    });
    expect(violationsOf(form)).toEqual([
      'body.sections.1.questions.0.options no_points',
      'body.sections.1.questions.1.failBelow scale_range',
      'body.sections.1.questions.2.id duplicate_id',
    ]);
  });

  it('refuses the same automatic check asked twice', () => {
    const form = edit((f) => {
      (f.sections[0]!.questions[3] as Record<string, unknown>).autoCheck = 'hold_over_limit';
    });
    expect(violationsOf(form)).toEqual(['body.sections.0.questions.3.autoCheck duplicate_auto_check']);
  });

  it('reports structural problems with their path (zod), e.g. an unknown answer type', () => {
    const form = edit((f) => ((f.sections[0]!.questions[0] as Record<string, unknown>).type = 'stars'));
    expect(violationsOf(form)).toEqual(['body.sections.0.questions.0.type invalid_union']);
  });
});
