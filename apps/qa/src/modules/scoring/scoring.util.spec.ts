import fc from 'fast-check';
import { supportScorecard } from '../../../test/fixtures/scorecards';
import { validateScorecard } from '../scorecards/scorecard-validation.util';
import type { Answers, ScorecardDefinition } from '../scorecards/scorecard.model';
import { applicableQuestions, checkAnswers, scoreEvaluation } from './scoring.util';

function form(overrides: Record<string, unknown> = {}): ScorecardDefinition {
  const check = validateScorecard(supportScorecard(overrides));
  if (!check.ok) throw new Error(JSON.stringify(check.violations));
  return check.definition;
}

const perfect: Answers = {
  greeting: 'yes',
  identity: 'yes',
  hold: 'yes',
  consent: 'yes',
  outcome: 'resolved',
  empathy: 5,
};

describe('scoreEvaluation', () => {
  it('gives the maximum for a perfect evaluation, on the form scale', () => {
    expect(scoreEvaluation(form(), perfect)).toMatchObject({ score: 100, percent: 100, passed: true });
    expect(scoreEvaluation(form({ maxScore: 5, passScore: 4 }), perfect)).toMatchObject({
      score: 5,
      percent: 100,
    });
  });

  it('weights questions within sections and sections within the form', () => {
    // opening: greeting no (30 of 100 lost) -> 0.7 x 40; resolution: escalated 5/10 x 50, empathy 3 of 1..5 = 0.5 x 30, follow-up yes 20
    const result = scoreEvaluation(form(), {
      ...perfect,
      greeting: 'no',
      outcome: 'escalated',
      empathy: 3,
      followup: 'yes',
    });
    const resolution = (0.5 * 50 + 0.5 * 30 + 20) / 100;
    expect(result.score).toBeCloseTo(0.7 * 40 + resolution * 60, 4);
    expect(result.sections).toEqual([
      { sectionId: 'opening', fraction: 0.7, effectiveWeight: 0.4 },
      { sectionId: 'resolution', fraction: resolution, effectiveWeight: 0.6 },
    ]);
    expect(result.passed).toBe(false);
  });

  it('re-weights N/A: the other questions of the section share its weight', () => {
    // empathy N/A: resolution = outcome (50) only, fully met
    const result = scoreEvaluation(form(), {
      ...perfect,
      empathy: 'na',
      outcome: 'escalated',
      followup: 'no',
    });
    // outcome 0.5 x 50 + follow-up 0 x 20 over 70
    expect(result.sections[1]!.fraction).toBeCloseTo(25 / 70, 6);
    expect(result.score).toBeCloseTo(40 + (25 / 70) * 60, 3);
  });

  it('scores N/A as fully met with naHandling full_credit', () => {
    const result = scoreEvaluation(form({ naHandling: 'full_credit' }), {
      ...perfect,
      empathy: 'na',
      outcome: 'unresolved',
    });
    expect(result.sections[1]!.fraction).toBeCloseTo(30 / 80, 6);
  });

  it('drops a section in which everything is N/A and re-weights the others', () => {
    const f = form();
    const allNa = {
      greeting: 'yes',
      identity: 'yes',
      hold: 'na',
      consent: 'na',
      outcome: 'resolved',
      empathy: 'na',
    };
    // opening: greeting 30 + identity 40 of 70 -> 1; pretend the whole opening is N/A through a form with allowNa
    const naForm = form({
      sections: [
        {
          id: 'auto',
          title: 'Automatic',
          weight: 40,
          questions: [
            { id: 'hold', type: 'yes_no', text: 'Hold', weight: 50, autoCheck: 'hold_over_limit' },
            { id: 'consent', type: 'yes_no', text: 'Consent', weight: 50, autoCheck: 'recording_consent' },
          ],
        },
        supportScorecard().sections[1],
      ],
    });
    const result = scoreEvaluation(naForm, {
      hold: 'na',
      consent: 'na',
      outcome: 'escalated',
      empathy: 'na',
      followup: 'yes',
    });
    expect(result.sections[0]).toEqual({ sectionId: 'auto', fraction: null, effectiveWeight: 0 });
    expect(result.sections[1]!.effectiveWeight).toBe(1);
    expect(result.score).toBeCloseTo(((0.5 * 50 + 20) / 70) * 100, 3);
    expect(scoreEvaluation(f, allNa).score).toBe(100);
  });

  it('fails the whole evaluation on a critical fail answer, keeping the raw score', () => {
    const result = scoreEvaluation(form(), { ...perfect, identity: 'no' });
    expect(result).toMatchObject({
      score: 0,
      percent: 0,
      criticalFailed: true,
      criticalFailures: ['identity'],
      passed: false,
    });
    expect(result.rawScore).toBeCloseTo(100 - 0.4 * 40, 4);
  });

  it('fails on a critical scale below its mark and a critical choice option', () => {
    const critical = supportScorecard();
    Object.assign(critical.sections[1]!.questions[1]!, { critical: true, failBelow: 2 });
    Object.assign(critical.sections[1]!.questions[0]!, { critical: true });
    Object.assign((critical.sections[1]!.questions[0] as { options: object[] }).options[2]!, { fails: true });
    const check = validateScorecard({ ...critical, sections: critical.sections });
    if (!check.ok) throw new Error(JSON.stringify(check.violations));
    expect(scoreEvaluation(check.definition, { ...perfect, empathy: 1 }).criticalFailures).toEqual([
      'empathy',
    ]);
    expect(scoreEvaluation(check.definition, { ...perfect, empathy: 2 }).criticalFailed).toBe(false);
    expect(scoreEvaluation(check.definition, { ...perfect, outcome: 'unresolved' }).criticalFailures).toEqual(
      ['outcome'],
    );
  });

  it('asks a conditional question only when its condition is met, and scores it only then', () => {
    const f = form();
    expect(applicableQuestions(f, perfect).has('followup')).toBe(false);
    expect(applicableQuestions(f, { ...perfect, outcome: 'escalated' }).has('followup')).toBe(true);
    // a stale answer to an unasked question does not count
    const stale = scoreEvaluation(f, { ...perfect, followup: 'no' });
    expect(stale.score).toBe(100);
    expect(stale.questions.find((q) => q.questionId === 'followup')).toMatchObject({
      applicable: false,
      fraction: null,
    });
  });

  it('keeps the score of the version it was scored on: a later version changes nothing for old answers', () => {
    const v1 = form();
    const v2 = form({
      sections: [
        { ...supportScorecard().sections[0], weight: 70 },
        { ...supportScorecard().sections[1], weight: 30 },
      ],
    });
    const answers = { ...perfect, greeting: 'no' };
    expect(scoreEvaluation(v1, answers).score).toBeCloseTo(100 - 0.3 * 40, 4);
    expect(scoreEvaluation(v2, answers).score).toBeCloseTo(100 - 0.3 * 70, 4);
  });

  describe('properties', () => {
    const answerArb = fc.record({
      greeting: fc.constantFrom('yes', 'no'),
      identity: fc.constantFrom('yes', 'no', 'na'),
      hold: fc.constantFrom('yes', 'no', 'na'),
      consent: fc.constantFrom('yes', 'no', 'na'),
      outcome: fc.constantFrom('resolved', 'escalated', 'unresolved'),
      empathy: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant('na')),
      followup: fc.constantFrom('yes', 'no'),
    });

    it('stays within 0..maxScore, is 0 exactly after a critical fail, and is deterministic', () => {
      const f = form({ maxScore: 5, passScore: 3 });
      fc.assert(
        fc.property(answerArb, (raw) => {
          const answers: Answers = { ...raw };
          if (raw.outcome !== 'escalated') delete answers.followup;
          const result = scoreEvaluation(f, answers);
          expect(result.score).not.toBeNull();
          expect(result.score!).toBeGreaterThanOrEqual(0);
          expect(result.score!).toBeLessThanOrEqual(5);
          expect(result.criticalFailed).toBe(raw.identity === 'no');
          if (result.criticalFailed) expect(result.score).toBe(0);
          expect(scoreEvaluation(f, answers)).toEqual(result);
          const weights = result.sections.reduce((a, s) => a + s.effectiveWeight, 0);
          expect(weights).toBeCloseTo(1, 9);
        }),
      );
    });

    it('never lowers the score when one answer improves (monotonic)', () => {
      const f = form();
      fc.assert(
        fc.property(answerArb, (raw) => {
          const answers: Answers = { ...raw, identity: 'yes', followup: 'no' };
          if (raw.outcome !== 'escalated') delete answers.followup;
          const better = { ...answers, greeting: 'yes' };
          expect(scoreEvaluation(f, better).score!).toBeGreaterThanOrEqual(
            scoreEvaluation(f, answers).score!,
          );
        }),
      );
    });

    it('with reweight, an N/A answer scores as if the question were not on the form', () => {
      const f = form();
      const without = form({
        sections: [
          supportScorecard().sections[0],
          {
            ...supportScorecard().sections[1],
            questions: supportScorecard()
              .sections[1]!.questions.filter((q) => q.id !== 'empathy')
              .map((q) => ({ ...q, weight: (q.weight * 100) / 70 })),
          },
        ],
      });
      fc.assert(
        fc.property(answerArb, (raw) => {
          const answers: Answers = { ...raw, empathy: 'na' };
          if (raw.outcome !== 'escalated') delete answers.followup;
          const { empathy: _, ...rest } = answers;
          expect(scoreEvaluation(f, answers).rawScore!).toBeCloseTo(
            scoreEvaluation(without, rest).rawScore!,
            3,
          );
        }),
      );
    });
  });
});

describe('checkAnswers', () => {
  const f = form();

  it('accepts a complete, valid set', () => {
    expect(checkAnswers(f, perfect, { requireComplete: true, rejectAutoChecks: false })).toEqual([]);
  });

  it('names each bad answer by its question', () => {
    const violations = checkAnswers(
      f,
      { greeting: 'maybe', empathy: 9, outcome: 'lost', followup: 'yes', nope: 'yes', hold: 'yes' },
      { requireComplete: false, rejectAutoChecks: true, fieldPrefix: 'body.answers' },
    );
    expect(violations.map((v) => `${v.field} ${v.rule}`)).toEqual([
      'body.answers.greeting answer',
      'body.answers.empathy answer',
      'body.answers.outcome answer',
      'body.answers.followup not_applicable',
      'body.answers.nope unknown_question',
      'body.answers.hold auto_scored',
    ]);
    expect(violations[1]!.message).toBe('must be a whole number from 1 to 5 or "na"');
  });

  it('refuses N/A where the question does not allow it', () => {
    expect(checkAnswers(f, { greeting: 'na' }, { requireComplete: false, rejectAutoChecks: false })).toEqual([
      { field: 'answers.greeting', rule: 'answer', message: 'must be "yes" or "no"' },
    ]);
  });

  it('on submission, requires every asked question, including a conditional one once asked', () => {
    const { empathy: _, ...partial } = perfect;
    expect(
      checkAnswers(
        f,
        { ...partial, outcome: 'escalated' },
        { requireComplete: true, rejectAutoChecks: false },
      ).map((v) => `${v.field} ${v.rule}`),
    ).toEqual(['answers.empathy required', 'answers.followup required']);
  });
});
